// SFT as a 2-node torchrun job on a real Slurm cluster (Debian's slurmctld/slurmd/munge on loopback, emulating
// two nodes), with the stand-in llamafactory-cli: every rank checks where it is.
import { describe, expect, it } from "vitest";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { clusterSkipReason, SLURM_ENV, jobIdsLaunched, slurm } from "../launch/slurm/local-cluster.js";
import { skipAllIf } from "../helpers/skip.js";
import { execa } from "execa";
import { CLI, cli, cliEnv, makeExperiment, readJson, stageState, waitFor } from "../helpers/cli.js";

const skipReason = clusterSkipReason();

describe("sft on Slurm", () => {
  skipAllIf(skipReason);
  // The jobs get only the variables they need (sbatch --export): the stand-in's knobs are named here.
  const slurmCluster =
    "{ launcher: slurm, nodes: 2, gpus_per_node: 1, slurm: { time: '00:10:00', export: [LF_STANDIN_FAIL, LF_STANDIN_FAIL_AT_STEP, LF_STANDIN_STEP_MS] } }";

  it("runs one task per node; each rank sees its NODE_RANK, NNODES and the head's MASTER_ADDR", async () => {
    const exp = await makeExperiment({ cluster: slurmCluster, deepspeed: "zero2" });
    const result = await cli(["sft", exp.file], { env: { ...SLURM_ENV, DIANJIN_POLL_MS: "300" } });
    expect(result.exitCode, result.all).toBe(0);
    const out = join(exp.workdir, "sft/output");
    const ranks = await Promise.all((await readdir(join(out, "ranks"))).sort().map((f) => readJson<Record<string, string>>(join(out, "ranks", f))));
    expect(ranks.map((r) => r.NODE_RANK)).toEqual(["0", "1"]);
    expect(new Set(ranks.map((r) => r.NNODES))).toEqual(new Set(["2"]));
    expect(ranks[0]!.MASTER_ADDR).toBeTruthy();
    expect(ranks[1]!.MASTER_ADDR).toBe(ranks[0]!.MASTER_ADDR);
    expect(ranks[1]!.MASTER_PORT).toBe("29500");
    const state = await stageState(exp);
    expect(state).toMatchObject({ status: "completed", job: { launcher: "slurm" } });
  });

  it("`plan --out` shows byte for byte the script that is then passed to sbatch", async () => {
    const exp = await makeExperiment({ cluster: slurmCluster, deepspeed: "zero2" });
    const out = join(exp.workdir, "..", "plan-out");
    const env = { ...SLURM_ENV, DIANJIN_POLL_MS: "300" };
    const plan = await cli(["plan", exp.file, "--only", "sft", "--out", out], { env });
    expect(plan.exitCode, plan.all).toBe(0);
    const result = await cli(["sft", exp.file], { env });
    expect(result.exitCode, result.all).toBe(0);
    const submitted = resolve(exp.workdir, (await stageState(exp)).job.extra.script as string);
    expect(await readFile(submitted, "utf8")).toBe(await readFile(join(out, "sft", "sft.sbatch"), "utf8"));
  });

  it("a failing job surfaces the classified cause and the log tail; no job is left behind", async () => {
    const exp = await makeExperiment({ cluster: slurmCluster, deepspeed: "zero2" });
    const result = await cli(["sft", exp.file], { env: { ...SLURM_ENV, DIANJIN_POLL_MS: "300", LF_STANDIN_FAIL: "oom", LF_STANDIN_FAIL_AT_STEP: "2" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/a GPU ran out of memory/);
    expect(result.stderr).toMatch(/\| .*CUDA out of memory/);
    const job = (await stageState(exp)).job;
    expect(job.extra.jobName).toBe("dianjin-sft");
    expect(jobIdsLaunched(job.extra.launchId)).toEqual([job.id]);
  });

  it("a CLI killed right after sbatch: the rerun finds the job by its launch id (sbatch --comment) and reattaches; one job only", async () => {
    const exp = await makeExperiment({ cluster: slurmCluster, deepspeed: "zero2" });
    const env = { ...SLURM_ENV, DIANJIN_POLL_MS: "300", LF_STANDIN_STEP_MS: "100" };
    const crashed = await cli(["sft", exp.file], { env: { ...env, DIANJIN_CRASH_AT: "after-spawn" } });
    expect(crashed.signal).toBe("SIGKILL");
    const intent = await stageState(exp);
    expect(intent.status).toBe("launching");
    expect(intent.job).toBeUndefined();
    const again = await cli(["sft", exp.file], { env });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stderr).toMatch(/reattaching to slurm job \d+ .*found by its launch id/);
    expect(jobIdsLaunched(intent.launch.id)).toHaveLength(1);
    expect(await stageState(exp)).toMatchObject({ status: "completed", attempts: 1 });
  });

  it("an outside scancel while no CLI watches is shown and recorded as cancelled; the rerun resumes", async () => {
    const exp = await makeExperiment({ cluster: slurmCluster, deepspeed: "zero2" });
    const env = { ...SLURM_ENV, DIANJIN_POLL_MS: "300", LF_STANDIN_STEP_MS: "150" };
    await cli(["sft", exp.file], { env: { ...env, DIANJIN_CRASH_AT: "after-record" } });
    const { job } = await stageState(exp);
    await waitFor(async () => existsSync(join(exp.workdir, "sft/output/checkpoint-5/trainer_state.json")), 120_000, "a first checkpoint");
    slurm("scancel", [job.id]);
    await waitFor(
      async () => !/RUNNING|PENDING|COMPLETING/.test(slurm("squeue", ["-h", "-t", "all", "-j", job.id, "-o", "%T"])),
      60_000,
      "Slurm to end the job",
    );
    const status = await cli(["status", exp.file], { env });
    expect(status.stdout).toMatch(/sft\s+was running, cancelled by someone else \(CANCELLED/);
    expect((await stageState(exp)).status).toBe("cancelled");
    const again = await cli(["sft", exp.file], { env: { ...env, LF_STANDIN_STEP_MS: "10" } });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stderr).toMatch(/cancelled last time; resuming from the newest complete checkpoint/);
  });

  it("`cancel` from a second shell while a CLI watches: both record cancelled by dianjin-train cancel, not a failure", async () => {
    const exp = await makeExperiment({ cluster: slurmCluster, deepspeed: "zero2" });
    const env = { ...SLURM_ENV, DIANJIN_POLL_MS: "300", LF_STANDIN_WAIT_FOR: join(exp.dir, "gate") };
    const run = execa(process.execPath, [CLI, "sft", exp.file], { env: cliEnv(env), extendEnv: false, reject: false, all: true });
    await waitFor(async () => existsSync(join(exp.workdir, "state.json")) && (await stageState(exp))?.status === "running", 120_000, "the job to be recorded");
    const cancelled = await cli(["cancel", exp.file], { env });
    expect(cancelled.exitCode, cancelled.all).toBe(0);
    const result = await run;
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toMatch(/stage sft was cancelled by dianjin-train cancel/);
    expect(await stageState(exp)).toMatchObject({ status: "cancelled", failure: { summary: "cancelled by dianjin-train cancel" } });
  });
});
