import { describe, expect, it } from "vitest";
import { mapRayStatus, parseRayJobStatus } from "../../../src/launch/ray/index.js";

// Shapes printed by ray/dashboard/modules/job/cli.py (_log_job_status).
const ADDRESS = "Job submission server address: http://127.0.0.1:8265\n";

describe("parseRayJobStatus", () => {
  it("reads the sentences the Ray CLI prints", () => {
    expect(parseRayJobStatus(`${ADDRESS}Status for job 'j1': RUNNING\nStatus message: Job is currently running.\n`)).toEqual({
      found: true,
      status: "RUNNING",
      message: "Job is currently running.",
    });
    expect(parseRayJobStatus(`${ADDRESS}Status for job 'j1': PENDING\n`)).toEqual({ found: true, status: "PENDING" });
    expect(parseRayJobStatus(`${ADDRESS}------------------\nJob 'j1' succeeded\n------------------\n`)).toEqual({ found: true, status: "SUCCEEDED" });
    expect(parseRayJobStatus(`${ADDRESS}Job 'j1' was stopped\n`)).toEqual({ found: true, status: "STOPPED" });
    expect(parseRayJobStatus(`${ADDRESS}Job 'j1' failed\nStatus message: Job entrypoint command failed with exit code 3\n`)).toEqual({
      found: true,
      status: "FAILED",
      message: "Job entrypoint command failed with exit code 3",
    });
  });

  it("ignores terminal colours", () => {
    expect(parseRayJobStatus("\u001b[32mJob 'j1' succeeded\u001b[39m")).toEqual({ found: true, status: "SUCCEEDED" });
  });

  it("recognises an unknown job, and says nothing about output it cannot read", () => {
    expect(parseRayJobStatus("RuntimeError: Request failed with status code 404: Job j9 does not exist.")).toEqual({ found: false });
    expect(parseRayJobStatus("ConnectionError: Failed to connect to Ray")).toBeUndefined();
  });
});

describe("mapRayStatus", () => {
  it.each([
    ["PENDING", { active: true }],
    ["RUNNING", { active: true }],
    ["SUCCEEDED", { active: false, state: "completed" }],
    ["FAILED", { active: false, state: "failed" }],
    ["STOPPED", { active: false, state: "cancelled" }],
    ["SOMETHING_NEW", { active: false, state: "unknown" }],
  ])("%s", (status, phase) => {
    expect(mapRayStatus(status)).toEqual(phase);
  });
});
