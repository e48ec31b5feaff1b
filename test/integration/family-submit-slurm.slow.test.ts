// `submit` of a family on the real local Slurm cluster: two GRPO variants (lr1, lr2) on one SFT. The shared SFT is
// one job, in lr1's chain; lr2's chain is its GRPO alone, waiting (afterok) for that job and planning SFT as reused
// from the store. SFT trains once (a wrapper in front of the stand-in counts the trainer's starts), each GRPO runs
// with its own value after SFT ended, with no CLI of ours alive; a second submit adds no jobs.
import { afterEach, describe, expect, it } from "vitest";
import { chmod, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { clusterSkipReason, SLURM_ENV, jobIdsNamed, slurm } from "../launch/slurm/local-cluster.js";
import { skipAllIf } from "../helpers/skip.js";
import { grpoExperiment } from "../helpers/grpo-experiment.js";
import { cli, readJson, STANDIN_BIN, waitFor, type Experiment } from "../helpers/cli.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

const skipReason = clusterSkipReason();

interface Chain {
  id: string;
  jobs: Array<{ name: string; id: string; stages: string[]; after?: string }>;
}
type State = { chain?: Chain; stages: Record<string, Record<string, any>> };

async function grpoFamily(): Promise<Experiment & { starts: string }> {
  // The wrapper counting the trainer's starts lives beside the experiment's folder.
  const probe = { dir: await tempDir("dianjin-family-submit-") };
  const starts = join(probe.dir, "trainer-starts.log");
  const wrapper = join(probe.dir, "bin", "llamafactory-cli");
  await writeFiles(join(probe.dir, "bin"), {
    "llamafactory-cli": `#!/bin/sh\nif [ "$1" = train ]; then echo "$$ $*" >> "${starts}"; fi\nexec "${join(STANDIN_BIN, "llamafactory-cli")}" "$@"\n`,
  });
  await chmod(wrapper, 0o755);
  const exp = await grpoExperiment({
    // The chain jobs get only the variables they need (sbatch --export): the stand-ins' knobs are named here.
    cluster:
      "{ launcher: slurm, nodes: 1, gpus_per_node: 2, slurm: { time: '00:10:00', export: [DIANJIN_POLL_MS, RAY_STANDIN_STATE, VERL_STANDIN_STEP_MS, LF_STANDIN_STEP_MS] } }",
    deepspeed: "zero2",
    items: 32,
    totalEpochs: 1,
    saveFreq: 2,
    tools: [`llamafactory: { command: [${JSON.stringify(wrapper)}], version: "0.9.3" }`],
    top: "variants:\n  lr1: { stages.grpo.actor.lr: 1.0e-6 }\n  lr2: { stages.grpo.actor.lr: 2.0e-6 }",
  });
  return { ...exp, starts };
}

const state = (exp: Experiment, variant: string) => readJson<State>(join(exp.workdir, "variants", variant, "state.json"));
const active = (id: string) => /PENDING|RUNNING|COMPLETING|CONFIGURING/.test(slurm("squeue", ["-h", "-t", "all", "-j", id, "-o", "%T"]));
const trainerStarts = async (file: string) => ((await readFile(file, "utf8").catch(() => "")).match(/ train /g) ?? []).length;

/** Every file under a folder whose text contains `needle` (the GRPO script and log carry the learning rate). */
async function filesWith(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path, "utf8").catch(() => "")).includes(needle)) found.push(path);
  }
  return found;
}

const submitted: string[] = [];
afterEach(() => {
  const live = submitted.splice(0).filter(active);
  if (live.length) slurm("scancel", live);
});

/** Submits the family; both variants' chains (recorded before submit returns) are cancelled after the test if live. */
async function submitFamily(exp: Experiment, env: Record<string, string>) {
  const result = await cli(["submit", exp.file], { env });
  expect(result.exitCode, result.all).toBe(0);
  const lr1 = (await state(exp, "lr1")).chain!;
  const lr2 = (await state(exp, "lr2")).chain!;
  const all = [...lr1.jobs, ...lr2.jobs];
  submitted.push(...all.map((j) => j.id));
  return { lr1, lr2, all };
}

describe("submit of a family on Slurm", () => {
  skipAllIf(skipReason);

  it("submits the shared SFT once and each variant's GRPO after it; SFT trains once, each GRPO with its own value; a second submit adds nothing", async () => {
    const exp = await grpoFamily();
    const env = { ...SLURM_ENV, DIANJIN_POLL_MS: "300", RAY_STANDIN_STATE: join(exp.dir, "ray"), VERL_STANDIN_STEP_MS: "50", LF_STANDIN_STEP_MS: "300" };
    const started = Date.now();
    const result = await cli(["submit", exp.file], { env });
    expect(result.exitCode, result.all).toBe(0);
    expect((Date.now() - started) / 1000).toBeLessThan(30);
    const lr1 = (await state(exp, "lr1")).chain!;
    const lr2 = (await state(exp, "lr2")).chain!;
    submitted.push(...lr1.jobs.map((j) => j.id), ...lr2.jobs.map((j) => j.id));
    expect(lr1.jobs.map((j) => j.stages)).toEqual([["sft"], ["grpo"]]);
    expect(lr2.jobs.map((j) => j.stages)).toEqual([["grpo"]]);
    // lr2's GRPO waits for lr1's SFT job, the one job that trains SFT.
    expect(lr2.jobs[0]!.after).toBe(lr1.jobs[0]!.id);
    expect(result.stderr).toContain(`slurm job ${lr1.jobs[0]!.id}`);

    // Asked while SFT runs inside its job: every chain is live, nothing is submitted.
    await waitFor(async () => (await state(exp, "lr1")).stages.sft?.status === "running", 120_000, "SFT to run in its job");
    // `status` of the family: lr2's GRPO waits for lr1's SFT job.
    const waiting = JSON.parse((await cli(["status", exp.file, "--json"], { env })).stdout) as { variants: Record<string, { chain: { stages: any[] } }> };
    expect(waiting.variants.lr2!.chain.stages).toEqual([
      expect.objectContaining({ stage: "grpo", state: "waiting", note: `waiting for job ${lr1.jobs[0]!.id}` }),
    ]);
    const again = await cli(["submit", exp.file], { env });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stderr).toMatch(/still live \(lr1, lr2\): nothing submitted/);
    for (const job of [...lr1.jobs, ...lr2.jobs]) expect(jobIdsNamed(job.name)).toEqual([job.id]);
    expect((await state(exp, "lr1")).chain!.id).toBe(lr1.id);
    expect((await state(exp, "lr2")).chain!.id).toBe(lr2.id);

    await waitFor(async () => ![...lr1.jobs, ...lr2.jobs].some((j) => active(j.id)), 300_000, "every job of both chains to end");
    // One line per trainer start on each node of SFT's allocation: one node, one SFT.
    expect(await trainerStarts(exp.starts), await readFile(exp.starts, "utf8")).toBe(1);
    const one = await state(exp, "lr1");
    const two = await state(exp, "lr2");
    expect(one.stages.sft).toMatchObject({ status: "completed", job: { launcher: "slurm", id: lr1.jobs[0]!.id } });
    expect(two.stages.sft).toMatchObject({ status: "completed", stored: { reused: true } });
    for (const [s, chain] of [
      [one, lr1],
      [two, lr2],
    ] as const) {
      const grpo = s.stages.grpo!;
      expect(grpo).toMatchObject({ status: "completed", job: { launcher: "slurm", id: chain.jobs.at(-1)!.id } });
      // GRPO started only after the shared SFT had ended.
      expect(Date.parse(grpo.startedAt)).toBeGreaterThanOrEqual(Date.parse(one.stages.sft!.endedAt));
    }
    // Each variant's GRPO ran with its own learning rate.
    const grpoDir = (v: string) => join(exp.workdir, "variants", v);
    expect(await filesWith(grpoDir("lr1"), "actor_rollout_ref.actor.optim.lr=1e-6")).not.toEqual([]);
    expect(await filesWith(grpoDir("lr1"), "actor_rollout_ref.actor.optim.lr=2e-6")).toEqual([]);
    expect(await filesWith(grpoDir("lr2"), "actor_rollout_ref.actor.optim.lr=2e-6")).not.toEqual([]);
    expect(await filesWith(grpoDir("lr2"), "actor_rollout_ref.actor.optim.lr=1e-6")).toEqual([]);

    // Everything is up to date: a submit now adds no job either.
    const done = await cli(["submit", exp.file], { env });
    expect(done.exitCode, done.all).toBe(0);
    expect(done.stderr).toMatch(/nothing to submit/);
    expect((await state(exp, "lr1")).chain!.id).toBe(lr1.id);
    expect((await state(exp, "lr2")).chain!.id).toBe(lr2.id);
    const status = await cli(["status", exp.file], { env });
    expect(status.stdout).toMatch(/variant lr2[\s\S]*sft\s+completed[\s\S]*reused from the store/);
  });

  it("an outside scancel of the shared SFT job cancels every variant's chain; status says why", async () => {
    const exp = await grpoFamily();
    const env = { ...SLURM_ENV, DIANJIN_POLL_MS: "300", RAY_STANDIN_STATE: join(exp.dir, "ray"), VERL_STANDIN_STEP_MS: "50", LF_STANDIN_STEP_MS: "400" };
    const { lr1, lr2, all } = await submitFamily(exp, env);
    await waitFor(async () => (await state(exp, "lr1")).stages.sft?.status === "running", 120_000, "SFT to run in its job");
    slurm("scancel", [lr1.jobs[0]!.id]);
    await waitFor(async () => !all.some((j) => active(j.id)), 120_000, "every job of both chains to end");
    // --kill-on-invalid-dep: the jobs waiting on the cancelled one were cancelled, and never started.
    for (const job of [lr1.jobs[1]!, lr2.jobs[0]!]) expect(slurm("squeue", ["-h", "-t", "all", "-j", job.id, "-o", "%T"]).trim()).toBe("CANCELLED");
    expect((await state(exp, "lr2")).stages.grpo).toBeUndefined();
    // SFT is recorded running before its trainer starts: the cancel may come first, but nothing trained it twice.
    expect(await trainerStarts(exp.starts)).toBeLessThanOrEqual(1);
    const status = await cli(["status", exp.file], { env });
    expect(status.stdout).toMatch(new RegExp(`variant lr2[\\s\\S]*grpo\\s+cancelled\\s+slurm job ${lr2.jobs[0]!.id}.*it waited for job ${lr1.jobs[0]!.id}`));
  });

  it("cancel of the family ends every variant's chain", async () => {
    const exp = await grpoFamily();
    const env = { ...SLURM_ENV, DIANJIN_POLL_MS: "300", RAY_STANDIN_STATE: join(exp.dir, "ray"), LF_STANDIN_STEP_MS: "400" };
    const { lr1, all } = await submitFamily(exp, env);
    const cancel = await cli(["cancel", exp.file], { env });
    expect(cancel.exitCode, cancel.all).toBe(0);
    expect(cancel.stderr).toContain(`cancelled the submitted chain (slurm jobs ${lr1.jobs.map((j) => j.id).join(", ")})`);
    await waitFor(async () => !all.some((j) => active(j.id)), 120_000, "every job of both chains to end");
    for (const job of all) expect(slurm("squeue", ["-h", "-t", "all", "-j", job.id, "-o", "%T"]).trim()).toBe("CANCELLED");
  });
});
