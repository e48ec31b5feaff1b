// The Slurm launcher against a real Slurm cluster (scripts/slurm/start-local-slurm.sh: 2 emulated
// nodes on loopback, fake GPUs) when one is running; skipped with the reason otherwise (npm run test:slurm starts one).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSlurmLauncher } from "../../../src/launch/slurm/index.js";
import type { Job, JobRecord, JobSpec } from "../../../src/launch/types.js";
import { buildLauncherForChild, clusterSkipReason, jobIdsNamed, ROOT, slurm, SLURM_ENV } from "./local-cluster.js";
import { skipAllIf } from "../../helpers/skip.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("dianjin-slurm-test-");

const skipReason = clusterSkipReason();

const NODE_REPORT = join(ROOT, "test/fixtures/slurm/node-report.sh");
const work = newDir();
const options = { jobDir: join(work, "jobs"), env: SLURM_ENV, pollIntervalMs: 250 };
const launcher = createSlurmLauncher(options);
const started: Job[] = [];

let counter = 0;
function spec(env: Record<string, string>, extra: Partial<JobSpec> = {}): JobSpec {
  const stage = `t${process.pid}-${++counter}`;
  return { stage, argv: [NODE_REPORT, "--epochs", "1 2"], env, cwd: work, logFile: join(work, "logs", `${stage}.log`), ...extra };
}

async function submit(s: JobSpec): Promise<Job> {
  const job = await launcher.submit(s);
  started.push(job);
  return job;
}

function until(check: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error("condition not met in time"));
      }
    }, 100);
  });
}

afterAll(async () => {
  // Nothing this file started may outlive it.
  for (const job of started) await job.cancel().catch(() => undefined);
});

describe("Slurm launcher on a real cluster", () => {
  skipAllIf(skipReason);

  it("runs one task per node with NODE_RANK, NNODES, MASTER_ADDR and MASTER_PORT set on each", async () => {
    const s = spec({ FORCE_TORCHRUN: "1" }, { nodes: 2, gpusPerNode: 2 });
    const job = await submit(s);
    // The record is complete before anything waits: the pipeline saves it first.
    expect(job.record).toMatchObject({ launcher: "slurm", logFile: s.logFile });
    expect(job.record.id).toMatch(/^\d+$/);
    const script = String(job.record.extra?.script);
    expect(readFileSync(script, "utf8")).toContain("#SBATCH --nodes=2");

    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ state: "completed", exitCode: 0, signal: null });
    const reports = lines.filter((l) => l.startsWith("node-report rank=")).sort();
    expect(reports).toEqual([
      "node-report rank=0 nnodes=2 master=127.0.0.1:29500 slurm_node=n1 args=--epochs 1 2",
      "node-report rank=1 nnodes=2 master=127.0.0.1:29500 slurm_node=n2 args=--epochs 1 2",
    ]);
    // Delivered lines are in the stage log, and the attempt log carries the restart count in its name.
    expect(readFileSync(s.logFile, "utf8")).toContain("node-report rank=1");
    expect(existsSync(join(options.jobDir, `dianjin-${s.stage}-${job.record.id}-0.log`))).toBe(true);
  });

  it("reports the failing task's own exit code (not the 143 of the sibling srun killed) and the end of its log", async () => {
    // Rank 0 keeps running until srun's --kill-on-bad-exit ends it, so srun itself always reports 143.
    const s = spec({ NODE_REPORT_FAIL: "7", NODE_REPORT_FAIL_RANK: "1", NODE_REPORT_SLEEP: "120" }, { nodes: 2 });
    const job = await submit(s);
    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ state: "failed", exitCode: 7, signal: null });
    expect(outcome.reason).toMatch(/FAILED/);
    expect(lines).toContain("node-report rank=1: failing on purpose with exit code 7");
    // srun's own status is that of the killed sibling (143 for SIGTERM; 137 had it needed SIGKILL).
    expect(lines.find((l) => l.startsWith("[dianjin-train] the first task to fail"))).toMatch(
      /^\[dianjin-train\] the first task to fail \(node rank 1\) ended with status 7; srun reported 1(43|37)$/,
    );
    expect(lines.at(-1)).toBe("[dianjin-train] command ended with status 7");
  });

  it("cancels a running job with scancel", async () => {
    const job = await submit(spec({ NODE_REPORT_SLEEP: "120" }));
    const lines: string[] = [];
    const outcome = job.wait({ onLine: (l) => lines.push(l) });
    await until(() => lines.some((l) => l.includes("heartbeat")), 30_000);
    await job.cancel();
    expect(await outcome).toMatchObject({ state: "cancelled" });
    expect(slurm("squeue", ["-h", "-t", "all", "-j", job.record.id, "-o", "%T"]).trim()).toBe("CANCELLED");
  });

  it("ends the job and reports `interrupted` when the AbortSignal fires", async () => {
    const job = await submit(spec({ NODE_REPORT_SLEEP: "120" }));
    const controller = new AbortController();
    const outcome = job.wait({ signal: controller.signal, onLine: (l) => l.includes("heartbeat") && controller.abort() });
    expect(await outcome).toMatchObject({ state: "interrupted" });
    expect(slurm("squeue", ["-h", "-t", "all", "-j", job.record.id, "-o", "%T"]).trim()).toBe("CANCELLED");
  });

  it("reports `hang` and ends the job when it prints nothing for watchdogMs", async () => {
    const job = await submit(spec({ NODE_REPORT_SLEEP: "0" }, { argv: ["sleep", "120"], watchdogMs: 2_000 }));
    const outcome = await job.wait();
    expect(outcome).toMatchObject({ state: "hang" });
    expect(slurm("squeue", ["-h", "-t", "all", "-j", job.record.id, "-o", "%T"]).trim()).toBe("CANCELLED");
  });

  it("reports TIMEOUT when the time limit is reached", async () => {
    const job = await submit(spec({ NODE_REPORT_SLEEP: "300" }, { stage: `timeout-${process.pid}` }));
    const lines: string[] = [];
    const outcome = job.wait({ onLine: (l) => lines.push(l) });
    await until(() => lines.some((l) => l.includes("heartbeat")), 30_000);
    // Time limits are whole minutes and checked every 30 s; moving the end time to now makes
    // slurmctld's next check end the job exactly as a time limit does (≤ 30 s instead of 60–90 s).
    slurm("scontrol", ["update", `JobId=${job.record.id}`, "EndTime=now"]);
    expect(await outcome).toMatchObject({ state: "timeout", reason: "TIMEOUT (TimeLimit)" });
  });

  it("reattaches to the same job after the watching process is killed", async () => {
    const built = await buildLauncherForChild(newDir());
    const s = spec({ NODE_REPORT_SLEEP: "8" });
    const recordFile = join(work, "record.json");
    const child = spawn(process.execPath, [join(ROOT, "test/fixtures/slurm/watch-job.mjs"), built, JSON.stringify(options), JSON.stringify(s), recordFile], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let childOut = "";
    child.stdout.on("data", (d: Buffer) => (childOut += d.toString()));
    await until(() => childOut.includes("heartbeat 1"), 30_000);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    const record = JSON.parse(readFileSync(recordFile, "utf8")) as JobRecord;
    const job = await launcher.reattach(record);
    expect(job).toBeDefined();
    started.push(job!);
    expect(job!.record.id).toBe(record.id);
    const lines: string[] = [];
    const outcome = await job!.wait({ onLine: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ state: "completed", exitCode: 0 });
    expect(lines.some((l) => l.includes("heartbeat 7"))).toBe(true);
    // Reattaching watched the job; it did not submit another one.
    expect(jobIdsNamed(`dianjin-${s.stage}`)).toEqual([record.id]);
  });

  it("returns undefined when reattaching to a job Slurm does not know", async () => {
    const record: JobRecord = { launcher: "slurm", id: "999999", logFile: join(work, "none.log"), submittedAt: new Date().toISOString() };
    expect(await launcher.reattach(record)).toBeUndefined();
  });
});
