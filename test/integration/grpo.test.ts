// GRPO through the CLI: RL Parquet built from CFLUE items, the shipped reward placed for Ray workers, Hydra
// overrides checked before launch, the stand-in verl trains/crashes/resumes, and SFT changes make GRPO stale.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cflueMcqItems } from "../helpers/recipe-data.js";
import { cli, makeExperiment, stageState, STANDIN_BIN, waitFor } from "../helpers/cli.js";

const VERL = join(STANDIN_BIN, "verl-standin");

// The stand-in speaks current verl; stating a release keeps the run from asking this machine's python3 for verl.
async function grpoExperiment(grpoExtra = "", items = 64, verlVersion: string | null = "0.7.0") {
  const records = cflueMcqItems(items);
  const exp = await makeExperiment({
    cluster: "{ gpus_per_node: 2 }",
    top: `tools:\n  verl: { command: [${JSON.stringify(VERL)}]${verlVersion ? `, version: "${verlVersion}"` : ""} }`,
    sft: `  grpo:
    rl_data: { cflue_mcq: data/cflue_mcq.json, seed: 7, val_fraction: 0.1 }
    data: { train_batch_size: 8, max_prompt_length: 1024 }
    actor: { ppo_mini_batch_size: 4, ppo_micro_batch_size_per_gpu: 1 }
    rollout: { n: 2, tensor_model_parallel_size: 1 }
    trainer: { total_epochs: 2, save_freq: 2, test_freq: -1 }
${grpoExtra}`,
  });
  await writeFile(join(exp.dir, "data/cflue_mcq.json"), JSON.stringify(records));
  return exp;
}

describe("grpo through the CLI", () => {
  it("plan shows the verl argv with absolute paths, the SFT output as model and the placed reward file", async () => {
    const exp = await grpoExperiment();
    const plan = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; command: string[]; action: string }> };
    const grpo = plan.stages.find((s) => s.name === "grpo")!;
    expect(grpo.command[0]).toBe(VERL);
    expect(grpo.command).toContain(`actor_rollout_ref.model.path=${join(exp.workdir, "sft/output")}`);
    expect(grpo.command).toContain(`custom_reward_function.path=${join(exp.workdir, "grpo/rendered/reward.py")}`);
    expect(grpo.command).toContain(`trainer.default_local_dir=${join(exp.workdir, "grpo/output")}`);
    expect(grpo.command).toContain("algorithm.adv_estimator=grpo");
  });

  it("runs after SFT, resumes after a crash from verl's latest checkpoint, and goes stale when SFT changes", async () => {
    const exp = await grpoExperiment();
    const crashed = await cli(["run", exp.file], { env: { VERL_STANDIN_CRASH_AT_STEP: "5", VERL_STANDIN_STEP_MS: "10" } });
    expect(crashed.exitCode, crashed.all).toBe(1);
    // Every input is accounted for: train + val + dropped = items read.
    const counts = /RL data from (\d+) items: (\d+) train \+ (\d+) val rows, 0 dropped/.exec(crashed.stderr);
    expect(counts).not.toBeNull();
    expect(Number(counts![1])).toBe(64);
    expect(Number(counts![2]) + Number(counts![3])).toBe(64);
    expect((await stageState(exp)).status).toBe("completed");
    expect((await stageState(exp, "grpo")).status).toBe("failed");

    const plan = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; action: string; command: string[] }> };
    const grpo = plan.stages.find((s) => s.name === "grpo")!;
    expect(grpo.action).toBe("resume");
    expect(grpo.command).toContain("trainer.resume_mode=auto");
    expect(grpo.command).toContain(`trainer.default_local_dir=${join(exp.workdir, "grpo/output")}`);

    const resumed = await cli(["run", exp.file], { env: { VERL_STANDIN_STEP_MS: "10" } });
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stderr).toMatch(/sft: skipped — up to date/);
    expect(resumed.stderr).toMatch(/grpo: resuming/);
    expect((await readdir(join(exp.workdir, "grpo/output"))).filter((n) => n.startsWith("global_step_")).length).toBeGreaterThan(1);

    const stale = JSON.parse((await cli(["plan", exp.file, "--json", "--set", "stages.sft.args.learning_rate=3e-5"])).stdout) as {
      stages: Array<{ name: string; action: string; reason: string }>;
    };
    expect(stale.stages.find((s) => s.name === "grpo")).toMatchObject({ action: "run", reason: expect.stringMatching(/upstream\.sft/) });
  });

  it("verl's batch arithmetic fails pre-flight with our keys and the numbers (exit 3)", async () => {
    const exp = await grpoExperiment();
    const bad = await cli(["grpo", exp.file, "--set", "stages.grpo.data.train_batch_size=5", "--set", "stages.grpo.rollout.n=3"]);
    expect(bad.exitCode).toBe(3);
    expect(bad.stderr).toMatch(/stages\.grpo\.data\.train_batch_size/);
    expect(bad.stderr).toMatch(/15/);
  });

  it("an unknown verl override key fails pre-flight with a suggestion", async () => {
    const exp = await grpoExperiment('    overrides: { "actor_rollout_ref.actor.optim.lrr": 1.0e-6 }\n');
    const bad = await cli(["grpo", exp.file]);
    expect(bad.exitCode).toBe(3);
    expect(bad.stderr).toMatch(/stages\.grpo\.overrides\.actor_rollout_ref\.actor\.optim\.lrr/);
    expect(bad.stderr).toMatch(/did you mean/);
  });
});

describe("grpo after kill -9", () => {
  it("kill -9 of the trainer mid-run → the rerun resumes from verl's latest checkpoint", async () => {
    const { execa } = await import("execa");
    const { CLI, cliEnv, waitFor } = await import("../helpers/cli.js");
    const { readFile } = await import("node:fs/promises");
    const exp = await grpoExperiment();
    expect((await cli(["sft", exp.file])).exitCode).toBe(0);
    const run = execa(process.execPath, [CLI, "grpo", exp.file], { env: cliEnv({ VERL_STANDIN_STEP_MS: "150" }), extendEnv: false, reject: false });
    const tracker = join(exp.workdir, "grpo/output/latest_checkpointed_iteration.txt");
    await waitFor(async () => (await readFile(tracker, "utf8").catch(() => "0")).trim() === "4", 30_000, "checkpoint 4");
    const pid = Number((await stageState(exp, "grpo")).job.id);
    process.kill(-pid, "SIGKILL");
    const killed = await run;
    expect(killed.exitCode).toBe(1);
    expect(killed.stderr).toMatch(/killed|SIGKILL/);

    const resumed = await cli(["grpo", exp.file], { env: { VERL_STANDIN_STEP_MS: "10" } });
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from the newest complete checkpoint \(step [4-9]\)/);
    const log = await readFile(join(exp.workdir, "grpo/logs/attempt-2.log"), "utf8");
    expect(log).toMatch(/[Rr]esum/);
  });
});

describe("grpo reattached", () => {
  it("keeps the planned total and announces no step or checkpoint from before the reattach", async () => {
    const exp = await grpoExperiment();
    expect((await cli(["sft", exp.file])).exitCode).toBe(0);
    const slow = { VERL_STANDIN_STEP_MS: "250" };
    const crashed = await cli(["grpo", exp.file], { env: { ...slow, DIANJIN_CRASH_AT: "after-record" } });
    expect(crashed.signal).toBe("SIGKILL");
    const output = join(exp.workdir, "grpo/output");
    await waitFor(async () => existsSync(join(output, "global_step_4")), 60_000, "verl's step 4 checkpoint");
    const saved = (await readdir(output)).filter((n) => n.startsWith("global_step_")).map((n) => Number(n.slice("global_step_".length)));
    const again = await cli(["grpo", exp.file], { env: slow });
    expect(again.exitCode, again.all).toBe(0);
    const events = (await readFile(join(exp.workdir, "events.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, any>);
    const rerun = events.find((e) => e.event === "stage-start" && e.stage === "grpo" && e.action === "reattach")!.run;
    const mine = events.filter((e) => e.run === rerun && e.stage === "grpo");
    const progress = mine.filter((e) => e.event === "progress");
    const total = progress.at(-1)!.total as number;
    expect(total).toBeGreaterThan(Math.max(...saved));
    expect(progress.length).toBeGreaterThan(0);
    for (const e of progress) expect(e.total).toBe(total);
    expect(progress[0]!.step).toBeGreaterThan(Math.min(...saved));
    for (const e of mine.filter((e) => e.event === "checkpoint")) expect(saved).not.toContain(e.step);
  });
});

describe("verl version detection", () => {
  it("asks the installed verl for its version and renders the overrides in that era's spelling", async () => {
    const exp = await grpoExperiment("", 64, null);
    const oldPython = join(STANDIN_BIN, "old-verl", "python3");
    const { readFile } = await import("node:fs/promises");
    const text = (await readFile(exp.file, "utf8")).replace("tools:\n", `tools:\n  python: { command: [${JSON.stringify(oldPython)}] }\n`);
    await writeFile(exp.file, text);
    expect((await cli(["sft", exp.file])).exitCode).toBe(0);
    const before = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; command: string[] }> };
    expect(before.stages.find((s) => s.name === "grpo")!.command.some((a) => a.includes("checkpoint.save_contents="))).toBe(true);
    // The seed-era stand-in verl is not available, so the run itself fails at verl's Hydra check; what matters is
    // that the version was probed, recorded, and the overrides re-rendered for it.
    await cli(["grpo", exp.file]);
    const state = JSON.parse(await readFile(join(exp.workdir, "state.json"), "utf8")) as { tools: Record<string, { version?: string }> };
    expect(state.tools.verl!.version).toBe("0.3.0.post1");
    const after = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ name: string; command: string[] }> };
    const argv = after.stages.find((s) => s.name === "grpo")!.command;
    expect(argv.some((a) => a.includes("checkpoint.contents="))).toBe(true);
    expect(argv.some((a) => a.includes("save_contents"))).toBe(false);
  });
});
