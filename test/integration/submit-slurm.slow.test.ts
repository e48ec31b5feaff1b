// `submit` on the real local Slurm cluster (two emulated nodes): SFT (per-node torchrun script, stand-in
// llamafactory-cli) then GRPO (Ray-on-Slurm script, stand-in `ray` and verl) as a chain of jobs that run with no CLI
// of ours alive; a second submit adds nothing; an outside scancel of the first job takes the chain down, `status`
// says why, and a new submit resumes from the newest complete checkpoint.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { clusterSkipReason, SLURM_ENV, jobIdsNamed, slurm } from "../launch/slurm/local-cluster.js";
import { skipAllIf } from "../helpers/skip.js";
import { grpoExperiment } from "../helpers/grpo-experiment.js";
import { cli, readJson, waitFor, type Experiment } from "../helpers/cli.js";

const skipReason = clusterSkipReason();

interface Chain {
  id: string;
  jobs: Array<{ name: string; id: string; stages: string[]; after?: string }>;
}
type State = { chain?: Chain; stages: Record<string, Record<string, any>> };

function chainExperiment(): Promise<Experiment> {
  // The chain jobs get only the variables they need (sbatch --export): the stand-ins' knobs are named here.
  const knobs = "[DIANJIN_POLL_MS, RAY_STANDIN_STATE, VERL_STANDIN_STEP_MS, LF_STANDIN_STEP_MS]";
  const cluster = `{ launcher: slurm, nodes: 2, gpus_per_node: 2, slurm: { time: '00:10:00', export: ${knobs} } }`;
  return grpoExperiment({ cluster, deepspeed: "zero2", items: 32, totalEpochs: 1, saveFreq: 2 });
}

const state = (exp: Experiment) => readJson<State>(join(exp.workdir, "state.json"));
const active = (id: string) => /PENDING|RUNNING|COMPLETING|CONFIGURING/.test(slurm("squeue", ["-h", "-t", "all", "-j", id, "-o", "%T"]));

/** Every chain job the tests submitted; whatever is still pending or running at the end is cancelled. */
const submitted: string[] = [];
afterEach(() => {
  const live = submitted.splice(0).filter(active);
  if (live.length) slurm("scancel", live);
});

function envFor(exp: Experiment, extra: Record<string, string> = {}): Record<string, string> {
  return { ...SLURM_ENV, DIANJIN_POLL_MS: "300", RAY_STANDIN_STATE: join(exp.dir, "ray"), VERL_STANDIN_STEP_MS: "50", LF_STANDIN_STEP_MS: "50", ...extra };
}

async function submit(exp: Experiment, env: Record<string, string>): Promise<{ chain: Chain; seconds: number; stderr: string }> {
  const started = Date.now();
  const result = await cli(["submit", exp.file], { env });
  const seconds = (Date.now() - started) / 1000;
  expect(result.exitCode, result.all).toBe(0);
  // The ids are in state.json when submit returns.
  const chain = (await state(exp)).chain!;
  submitted.push(...chain.jobs.map((j) => j.id));
  return { chain, seconds, stderr: result.stderr };
}

async function ended(chain: Chain): Promise<void> {
  await waitFor(async () => !chain.jobs.some((j) => active(j.id)), 300_000, "every job of the chain to end");
}

describe("submit on Slurm", () => {
  skipAllIf(skipReason);

  it("returns at once; SFT then GRPO run as a chain with no CLI driving them; logs -f follows one then the other; a second submit adds no job", async () => {
    const exp = await chainExperiment();
    const env = envFor(exp, { LF_STANDIN_STEP_MS: "300" });
    const { chain, seconds, stderr } = await submit(exp, env);
    expect(seconds).toBeLessThan(20);
    expect(chain.jobs.map((j) => j.stages)).toEqual([["sft"], ["grpo"]]);
    expect(chain.jobs[1]!.after).toBe(chain.jobs[0]!.id);
    expect(stderr).toContain(`slurm job ${chain.jobs[0]!.id}`);
    // `logs -f` follows whichever stage runs, moves on to the next, and returns when the chain has ended.
    const follow = cli(["logs", "-f", exp.file], { env });

    // Asked while SFT's run holds the workdir inside its job.
    await waitFor(async () => (await state(exp)).stages.sft?.status === "running", 120_000, "SFT to run in its job");
    const again = await cli(["submit", exp.file], { env });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stderr).toMatch(/still live: nothing submitted/);
    expect((await state(exp)).chain!.id).toBe(chain.id);
    for (const job of chain.jobs) expect(jobIdsNamed(job.name)).toEqual([job.id]);
    // An attended run would start the chain's stages twice: refused while the chain lives.
    const attended = await cli(["run", exp.file], { env });
    expect(attended.exitCode, attended.all).toBe(2);
    expect(attended.stderr).toContain(`a submitted chain (${chain.id}, slurm jobs ${chain.jobs.map((j) => j.id).join(", ")}) is running this pipeline`);

    await ended(chain);
    const followed = await follow;
    expect(followed.exitCode, followed.all).toBe(0);
    const headers = followed.stdout.split("\n").filter((l) => l.startsWith("==> "));
    expect(headers).toEqual([
      `==> sft (slurm job ${chain.jobs[0]!.id}): ${join(exp.workdir, "sft/logs/attempt-1.log")}`,
      `==> grpo (slurm job ${chain.jobs[1]!.id}): ${join(exp.workdir, "grpo/logs/attempt-1.log")}`,
      "==> the chain has ended: sft completed, grpo completed",
    ]);
    const { stages } = await state(exp);
    expect(stages.sft).toMatchObject({ status: "completed", job: { launcher: "slurm", id: chain.jobs[0]!.id } });
    expect(stages.grpo).toMatchObject({ status: "completed", job: { launcher: "slurm", id: chain.jobs[1]!.id } });
    // GRPO started inside its own allocation only after SFT had ended.
    expect(Date.parse(stages.grpo!.startedAt)).toBeGreaterThanOrEqual(Date.parse(stages.sft!.endedAt));
    // The stage scripts ran inside the chain's allocations: Slurm never saw a job of its own for a stage.
    expect(jobIdsNamed(stages.sft!.launch.id)).toEqual([]);
    expect(jobIdsNamed(stages.grpo!.launch.id)).toEqual([]);
    const status = await cli(["status", exp.file], { env });
    expect(status.stdout).toMatch(/sft\s+completed\s+slurm job \d+/);
    expect(status.stdout).toMatch(/grpo\s+completed\s+slurm job \d+/);
  });

  it("an outside scancel of the first job cancels the chain, status says why, and submit again resumes", async () => {
    const exp = await chainExperiment();
    const { chain } = await submit(exp, envFor(exp, { LF_STANDIN_STEP_MS: "400" }));
    await waitFor(async () => existsSync(join(exp.workdir, "sft/output/checkpoint-5/trainer_state.json")), 120_000, "SFT's first checkpoint");
    slurm("scancel", [chain.jobs[0]!.id]);
    await ended(chain);

    const status = await cli(["status", exp.file], { env: envFor(exp) });
    expect(status.stdout).toMatch(new RegExp(`sft\\s+cancelled\\s+slurm job ${chain.jobs[0]!.id}\\s+job ${chain.jobs[0]!.id} CANCELLED`));
    expect(status.stdout).toMatch(new RegExp(`grpo\\s+cancelled\\s+slurm job ${chain.jobs[1]!.id}\\s+cancelled because sft cancelled`));
    const json = JSON.parse((await cli(["status", exp.file, "--json"], { env: envFor(exp) })).stdout) as { chain: { live: boolean; stages: any[] } };
    expect(json.chain.live).toBe(false);
    expect(json.chain.stages.map((s) => s.state)).toEqual(["cancelled", "cancelled"]);

    const resumed = await submit(exp, envFor(exp));
    expect(resumed.chain.id).not.toBe(chain.id);
    await ended(resumed.chain);
    const { stages } = await state(exp);
    expect(stages.sft).toMatchObject({ status: "completed", attempts: 2, resumedFrom: { step: 5 } });
    expect(stages.grpo).toMatchObject({ status: "completed" });
  });

  it("a submit killed right after its first sbatch: the next submit finds that job by name, ends the partial chain, submits anew", async () => {
    const exp = await chainExperiment();
    const env = envFor(exp);
    const crashed = await cli(["submit", exp.file], { env: { ...env, DIANJIN_CRASH_AT: "chain-after-first-sbatch" } });
    expect(crashed.signal).toBe("SIGKILL");
    const partial = (await state(exp)).chain!;
    expect(partial.jobs.every((j) => j.id === undefined)).toBe(true);
    const orphan = jobIdsNamed(partial.jobs[0]!.name);
    expect(orphan).toHaveLength(1);
    submitted.push(...orphan);
    // Held: nothing of the partial chain ran.
    expect(slurm("squeue", ["-h", "-j", orphan[0]!, "-o", "%r"]).trim()).toBe("JobHeldUser");

    const { chain, stderr } = await submit(exp, env);
    expect(stderr).toContain(`cancelled its partial chain (slurm jobs ${orphan[0]})`);
    expect(chain.id).not.toBe(partial.id);
    await ended(chain);
    expect(slurm("squeue", ["-h", "-t", "all", "-j", orphan[0]!, "-o", "%T"]).trim()).toBe("CANCELLED");
    expect((await state(exp)).stages.grpo).toMatchObject({ status: "completed", attempts: 1 });
  });

  it("cancel ends every job of the chain at once; the running stage records its end", async () => {
    const exp = await chainExperiment();
    const env = envFor(exp, { LF_STANDIN_STEP_MS: "400" });
    const { chain } = await submit(exp, env);
    await waitFor(async () => (await state(exp)).stages.sft?.status === "running", 120_000, "SFT to run in its job");
    const cancel = await cli(["cancel", exp.file], { env });
    expect(cancel.exitCode, cancel.all).toBe(0);
    expect(cancel.stderr).toContain(`cancelled the submitted chain (slurm jobs ${chain.jobs.map((j) => j.id).join(", ")})`);
    await ended(chain);
    await waitFor(async () => (await state(exp)).stages.sft?.status === "interrupted", 30_000, "SFT's run to record its end");
    const status = await cli(["status", exp.file], { env });
    expect(status.stdout).toMatch(/sft\s+cancelled\s+slurm job \d+\s+job \d+ CANCELLED/);
    expect(status.stdout).toMatch(/grpo\s+cancelled/);
    expect((await state(exp)).stages.grpo).toBeUndefined();
  });
});
