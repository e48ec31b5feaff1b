// The Ray variant of the batch script on a real Slurm cluster, with the stand-in `ray`
// (test/fixtures/bin/ray) playing head and workers: the head starts on the first node, a worker
// joins from the second, the script waits for all GPUs, runs the trainer, and tears Ray down.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSlurmLauncher } from "../../../src/launch/slurm/index.js";
import { clusterSkipReason, ROOT, SLURM_ENV } from "./local-cluster.js";
import { skipAllIf } from "../../helpers/skip.js";
import { tempDirs } from "./temp-dirs.js";
import { waitFor } from "./fake-slurm-bin.js";

const newDir = tempDirs("dianjin-ray-slurm-");

/** Ray nodes of the stand-in, in any of its clusters, whose process still runs. */
function rayNodesLeft(state: string): string[] {
  const root = join(state, "cluster");
  const running = (file: string) => {
    try {
      process.kill((JSON.parse(readFileSync(file, "utf8")) as { pid: number }).pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return readdirSync(root).flatMap((c) => readdirSync(join(root, c, "nodes")).filter((f) => running(join(root, c, "nodes", f))));
}

const skipReason = clusterSkipReason();
const RAY = join(ROOT, "test/fixtures/bin/ray");

/** A Ray-on-Slurm job on two nodes of two GPUs, in a fresh folder with its own ray stand-in state. */
async function submitRayJob(stage: string, argv: string[], options: { env?: Record<string, string>; readyTimeoutSeconds?: number; cpusPerTask?: number } = {}) {
  const work = newDir();
  const rayState = join(work, "ray");
  const launcher = createSlurmLauncher({
    jobDir: join(work, "jobs"),
    env: SLURM_ENV,
    pollIntervalMs: 250,
    useRay: () => true,
    ray: { executable: RAY, readyCheckSeconds: 1, readyTimeoutSeconds: options.readyTimeoutSeconds ?? 60 },
    ...(options.cpusPerTask ? { resources: { cpusPerTask: options.cpusPerTask } } : {}),
  });
  const logFile = join(work, "grpo.log");
  const spec = { stage: `${stage}-${process.pid}`, argv, env: { RAY_STANDIN_STATE: rayState, ...options.env }, cwd: work, logFile, nodes: 2, gpusPerNode: 2 };
  return { job: await launcher.submit(spec), rayState, logFile };
}

describe("Ray cluster inside a Slurm allocation", () => {
  skipAllIf(skipReason);

  it("starts head and worker, waits for every GPU, runs the trainer on the head, then stops Ray", async () => {
    const argv = ["bash", "-c", `echo "trainer on $SLURMD_NODENAME sees $RAY_ADDRESS"; ${RAY} status --address="$RAY_ADDRESS" | grep -E "GPU|CPU"`];
    const { job, rayState } = await submitRayJob("grpo", argv, { cpusPerTask: 2 });
    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome, lines.join("\n")).toMatchObject({ state: "completed", exitCode: 0 });
    // This job's own GCS port (a block chosen by the job id) and temp dir, the allocation's CPUs (--cpus-per-task=2).
    const port = 20_000 + (Number(job.record.id) % 63) * 200;
    expect(lines).toContain(`[dianjin-train] Ray cluster ready at 127.0.0.1:${port} with 4 GPUs (temp dir /tmp/ray-${job.record.id})`);
    expect(lines).toContain(`trainer on n1 sees 127.0.0.1:${port}`);
    expect(lines).toContain(" 0.0/4.0 GPU");
    expect(lines, lines.join("\n")).toContain(" 0.0/4.0 CPU");
    expect(lines).toContain("[dianjin-train] stopping this job's Ray (its own srun steps; other Ray clusters on these nodes go on)");
    // Every emulated Ray node left the cluster: the EXIT trap stopped them.
    expect(rayNodesLeft(rayState)).toEqual([]);
  });

  it("fails with a clear message when not every GPU joins before the readiness timeout", async () => {
    const { job, rayState } = await submitRayJob("grpo-short", ["echo", "trainer must not run"], {
      env: { RAY_STANDIN_WORKER_GPUS: "0" },
      readyTimeoutSeconds: 4,
    });
    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ state: "failed", exitCode: 1 });
    expect(lines).toContain("[dianjin-train] Ray cluster not ready after 4 s: 2 of 4 GPUs registered");
    expect(lines).not.toContain("trainer must not run");
    expect(rayNodesLeft(rayState)).toEqual([]);
  });

  it("scancel: the trainer ends, the status line, the cleanup and the exit record are written, no SIGPIPE", async () => {
    const argv = ["bash", "-c", 'echo "trainer started"; for i in $(seq 600); do echo "step $i"; sleep 0.1; done'];
    const { job, rayState, logFile } = await submitRayJob("grpo-cancel", argv);
    const lines: string[] = [];
    const outcome = job.wait({ onLine: (l) => lines.push(l) });
    await waitFor(() => lines.includes("trainer started"), 60_000);
    await job.cancel();
    expect(await outcome).toMatchObject({ state: "cancelled" });
    const log = readFileSync(logFile, "utf8");
    expect(log).toMatch(/\[dianjin-train\] command ended with status \d+\n/);
    expect(log).toContain("[dianjin-train] stopping this job's Ray (its own srun steps; other Ray clusters on these nodes go on)");
    expect(log).not.toMatch(/SIGPIPE|Broken pipe/);
    expect(readFileSync(`${logFile}.exit`, "utf8").trim()).toMatch(/^\d+$/);
    expect(rayNodesLeft(rayState)).toEqual([]);
  });
});
