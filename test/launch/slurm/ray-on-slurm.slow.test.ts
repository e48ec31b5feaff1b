// The Ray variant of the batch script on a real Slurm cluster, with the stand-in `ray`
// (test/fixtures/bin/ray) playing head and workers: the head starts on the first node, a worker
// joins from the second, the script waits for all GPUs, runs the trainer, and tears Ray down.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSlurmLauncher } from "../../../src/launch/slurm/index.js";
import { clusterSkipReason, ROOT, SLURM_ENV } from "./local-cluster.js";
import { skipAllIf } from "../../helpers/skip.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("dianjin-ray-slurm-");

const skipReason = clusterSkipReason();
const RAY = join(ROOT, "test/fixtures/bin/ray");

describe("Ray cluster inside a Slurm allocation", () => {
  skipAllIf(skipReason);

  it("starts head and worker, waits for every GPU, runs the trainer on the head, then stops Ray", async () => {
    const work = newDir();
    const rayState = join(work, "ray");
    const launcher = createSlurmLauncher({
      jobDir: join(work, "jobs"),
      env: SLURM_ENV,
      pollIntervalMs: 250,
      useRay: () => true,
      ray: { executable: RAY, port: 6390, readyCheckSeconds: 1, readyTimeoutSeconds: 60 },
    });
    const job = await launcher.submit({
      stage: `grpo-${process.pid}`,
      argv: ["bash", "-c", `echo "trainer on $SLURMD_NODENAME sees $RAY_ADDRESS"; ${RAY} status --address="$RAY_ADDRESS" | grep GPU`],
      env: { RAY_STANDIN_STATE: rayState },
      cwd: work,
      logFile: join(work, "grpo.log"),
      nodes: 2,
      gpusPerNode: 2,
    });
    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome, lines.join("\n")).toMatchObject({ state: "completed", exitCode: 0 });
    expect(lines).toContain("[dianjin-train] Ray cluster ready at 127.0.0.1:6390 with 4 GPUs");
    expect(lines).toContain("trainer on n1 sees 127.0.0.1:6390");
    expect(lines).toContain(" 0.0/4.0 GPU");
    expect(lines).toContain("[dianjin-train] stopping Ray");
    // Every emulated Ray node left the cluster: the EXIT trap stopped them.
    expect(readdirSync(join(rayState, "cluster", "nodes"))).toEqual([]);
  });

  it("fails with a clear message when not every GPU joins before the readiness timeout", async () => {
    const work = newDir();
    const rayState = join(work, "ray");
    const launcher = createSlurmLauncher({
      jobDir: join(work, "jobs"),
      env: SLURM_ENV,
      pollIntervalMs: 250,
      useRay: () => true,
      ray: { executable: RAY, port: 6391, readyCheckSeconds: 1, readyTimeoutSeconds: 4 },
    });
    const job = await launcher.submit({
      stage: `grpo-short-${process.pid}`,
      argv: ["echo", "trainer must not run"],
      env: { RAY_STANDIN_STATE: rayState, RAY_STANDIN_WORKER_GPUS: "0" },
      cwd: work,
      logFile: join(work, "grpo.log"),
      nodes: 2,
      gpusPerNode: 2,
    });
    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ state: "failed", exitCode: 1 });
    expect(lines).toContain("[dianjin-train] Ray cluster not ready after 4 s: 2 of 4 GPUs registered");
    expect(lines).not.toContain("trainer must not run");
    expect(readdirSync(join(rayState, "cluster", "nodes"))).toEqual([]);
  });
});
