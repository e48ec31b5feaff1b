// Words for a job's end when no tool-specific pattern explained it.
import { describe, expect, it } from "vitest";
import { describeOutcome } from "../../src/pipeline/outcome.js";

describe("describeOutcome", () => {
  it("an end with no exit code is told in the launcher's words (Ray never started the entrypoint)", () => {
    const reason =
      "FAILED: Job supervisor actor failed to start within 900.0 seconds. This timeout can be configured by setting the environment variable RAY_JOB_START_TIMEOUT_SECONDS.";
    expect(describeOutcome({ state: "failed", exitCode: null, signal: null, reason }).summary).toBe(`the job ended without an exit code: ${reason}`);
  });

  it("an exit code or a signal is named as before", () => {
    expect(describeOutcome({ state: "failed", exitCode: 3, signal: null, reason: "FAILED" }).summary).toBe("the tool exited with code 3");
    expect(describeOutcome({ state: "failed", exitCode: null, signal: "SIGKILL" }).id).toBe("killed");
  });
});
