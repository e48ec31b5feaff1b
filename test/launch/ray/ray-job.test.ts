// How a Ray job's output reaches the stage log the watch loop follows, against a scripted `ray` CLI whose answers
// have the shape of the real CLI's (`Status for job '<id>': RUNNING`, `Job '<id>' succeeded`, the address preamble).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRayLauncher, type RayCommands } from "../../../src/launch/ray/index.js";
import { tempDirs } from "../slurm/temp-dirs.js";

const newDir = tempDirs("ray-job-");

/** Each `ray job status` / `ray job logs` call answers with the next scripted value; the last one repeats. */
function scriptedRay(statuses: string[], logs: string[]): RayCommands {
  let s = 0;
  let l = 0;
  return async (args) => {
    const [, verb, id] = args;
    if (verb === "submit") return { exitCode: 0, stdout: `Job '${args[5]}' submitted successfully\n`, stderr: "" };
    if (verb === "status") {
      const status = statuses[Math.min(s++, statuses.length - 1)]!;
      const stdout = status === "SUCCEEDED" ? `Job '${id}' succeeded\n` : `Status for job '${id}': ${status}\n`;
      return { exitCode: 0, stdout, stderr: "" };
    }
    if (verb === "logs")
      return { exitCode: 0, stdout: `Job submission server address: http://127.0.0.1:8265\n${logs[Math.min(l++, logs.length - 1)]!}`, stderr: "" };
    return { exitCode: 0, stdout: "", stderr: "" };
  };
}

function setup(statuses: string[], logs: string[]) {
  const dir = newDir();
  const logFile = join(dir, "logs", "grpo.log");
  const launcher = createRayLauncher({ address: "http://127.0.0.1:8265", commands: scriptedRay(statuses, logs), pollIntervalMs: 1 });
  return { logFile, submit: () => launcher.submit({ stage: "grpo", argv: ["python3", "-m", "verl.trainer.main_ppo"], env: {}, cwd: dir, logFile }) };
}

describe("RayJob output", () => {
  it("copies Ray's new output into the stage log after what was there, and hands out only this job's lines", async () => {
    const { logFile, submit } = setup(["RUNNING", "RUNNING", "SUCCEEDED"], ["step 1\nstep", "step 1\nstep 2\n", "step 1\nstep 2\ndone"]);
    mkdirSync(join(logFile, ".."), { recursive: true });
    writeFileSync(logFile, "from an earlier attempt\n");
    const job = await submit();
    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ state: "completed", exitCode: 0 });
    expect(lines).toEqual(["step 1", "step 2", "done"]);
    // The unfinished last line is closed once the job has ended, so whatever is written next starts on its own line.
    expect(readFileSync(logFile, "utf8")).toBe("from an earlier attempt\nstep 1\nstep 2\ndone\n");
  });

  it("copies the output again from the start when Ray's log was reset", async () => {
    const { logFile, submit } = setup(["RUNNING", "SUCCEEDED"], ["first try\n", "again\n"]);
    const lines: string[] = [];
    await (await submit()).wait({ onLine: (l) => lines.push(l) });
    expect(lines).toEqual(["first try", "again"]);
    expect(readFileSync(logFile, "utf8")).toBe("first try\nagain\n");
  });
});
