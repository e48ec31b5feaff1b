// Under `launcher: ray` the tool is looked for on the cluster, by the job's entrypoint, before anything starts: the
// stand-in `ray` CLI (test/fixtures/bin/ray) runs entrypoints as Ray's job supervisor does (list2cmdline + /bin/sh).
// A tool the cluster lacks ends the job with the tool-missing line (classified by the pipeline), on the plain path
// and on the JSON-decoder path alike; a tool it has runs.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createRayCommands, createRayLauncher } from "../../../src/launch/ray/index.js";
import { workdirMarkerPath, workdirNotSharedCause } from "../../../src/launch/workdir-check.js";
import { toolMissingCause } from "../../../src/launch/tool-missing.js";
import { tempDirs } from "../slurm/temp-dirs.js";

const newDir = tempDirs("ray-tool-");
const RAY = resolve(import.meta.dirname, "../../fixtures/bin/ray");

async function run(argv: string[], tool: { name: string; command: string }) {
  const dir = newDir();
  const launcher = createRayLauncher({
    address: "http://127.0.0.1:8265",
    executable: RAY,
    env: { RAY_STANDIN_STATE: join(dir, "state") },
    pollIntervalMs: 100,
  });
  const job = await launcher.submit({ stage: "grpo", argv, env: {}, cwd: dir, logFile: join(dir, "grpo.log"), tool });
  const lines: string[] = [];
  const outcome = await job.wait({ onLine: (l) => lines.push(l) });
  return { outcome, lines };
}

describe("the Ray entrypoint's tool check", () => {
  it("plain argv: a command the cluster lacks ends the job with 127 and the tool-missing line", async () => {
    const { outcome, lines } = await run(["dj-no-such-tool", "train"], { name: "llamafactory", command: "dj-no-such-tool" });
    expect(outcome).toMatchObject({ state: "failed", exitCode: 127 });
    expect(lines).toEqual(["[dianjin-train] tool missing: llamafactory (dj-no-such-tool) is not on PATH on the Ray cluster"]);
    expect(toolMissingCause(lines)).toMatchObject({ id: "tool-missing", summary: "llamafactory (dj-no-such-tool) is not on PATH on the Ray cluster" });
  });

  it("argv sent through the decoder (words sh would change): the same check, naming the node", async () => {
    const { outcome, lines } = await run(["dj-no-such-tool", "trainer.logger=['console']"], { name: "verl", command: "dj-no-such-tool" });
    expect(outcome).toMatchObject({ state: "failed", exitCode: 127 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[dianjin-train\] tool missing: verl \(dj-no-such-tool\) is not on PATH on the Ray cluster \(node .+\)$/);
  });

  it("a tool the cluster has runs, on both paths", async () => {
    for (const argv of [
      ["node", "-e", "console.log('ran')"],
      ["node", "-e", "console.log('ran')", "a b"],
    ]) {
      const { outcome, lines } = await run(argv, { name: "node", command: "node" });
      expect(outcome.state).toBe("completed");
      expect(lines).toEqual(["ran"]);
    }
  });

  it("a cluster that does not share the workdir (its copy lacks this job's marker) ends the job before anything starts, on both paths", async () => {
    for (const argv of [
      ["node", "-e", "console.log('ran')"],
      ["node", "-e", "console.log('ran')", "a b"],
    ]) {
      const dir = newDir();
      const real = createRayCommands({ executable: RAY, env: { RAY_STANDIN_STATE: join(dir, "state") } });
      // What the cluster sees at this path is an older copy: its marker names another job.
      const commands = async (args: string[]) => {
        if (args[1] === "submit") writeFileSync(workdirMarkerPath(dir), "dianjin-another-job\n");
        return real(args);
      };
      const launcher = createRayLauncher({ address: "http://127.0.0.1:8265", commands, pollIntervalMs: 100 });
      const job = await launcher.submit({ stage: "sft", argv, env: {}, cwd: dir, logFile: join(dir, "sft.log"), tool: { name: "node", command: "node" } });
      const lines: string[] = [];
      expect(await job.wait({ onLine: (l) => lines.push(l) })).toMatchObject({ state: "failed", exitCode: 3 });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^\\[dianjin-train\\] workdir not shared: ${dir} is not this machine's workdir on the Ray cluster`));
      expect(workdirNotSharedCause(lines)).toMatchObject({ id: "workdir-not-shared" });
    }
  });
});
