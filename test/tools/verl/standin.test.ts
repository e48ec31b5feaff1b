import { execa } from "execa";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { classifyVerlFailure } from "../../../src/tools/verl/failures.js";
import { createVerlProgressParser, VerlFileLogReader, type VerlEvent } from "../../../src/tools/verl/progress.js";
import { findLatestCheckpoint } from "../../../src/tools/verl/checkpoints.js";
import { grpoOptionsSchema, type GrpoOptionsInput } from "../../../src/tools/verl/options.js";
import { preflightGrpo } from "../../../src/tools/verl/preflight.js";
import { renderVerlEnv, renderVerlOverrides } from "../../../src/tools/verl/render.js";
import { sampleRows, writeTestRlParquet } from "../../fixtures/verl/rl-parquet.js";
import { tempDir } from "../../helpers/tmp.js";

const STANDIN = fileURLToPath(new URL("../../fixtures/bin/verl-standin", import.meta.url));
const TINY_REWARD = fileURLToPath(new URL("../../fixtures/verl/tiny_reward.py", import.meta.url));
const MERGER = fileURLToPath(new URL("../../fixtures/bin/verl-merger-standin", import.meta.url));
const TINY_MODEL = fileURLToPath(new URL("../../fixtures/merge/tiny-qwen2", import.meta.url));
const SHIPPED_REWARD = fileURLToPath(new URL("../../../src/assets/python/dianjin_reward.py", import.meta.url));

// Small enough for 2 GPUs: 8 prompts × 4 responses per step.
const SMALL: GrpoOptionsInput = {
  data: { train_batch_size: 8 },
  actor: { ppo_mini_batch_size: 4, ppo_micro_batch_size_per_gpu: 2 },
  rollout: { n: 4, tensor_model_parallel_size: 2 },
  trainer: { n_gpus_per_node: 2, nnodes: 1, save_freq: 2, test_freq: 2, total_epochs: 2 },
};

async function setup(options: GrpoOptionsInput = SMALL, rows = 20, rewardFile = TINY_REWARD, modelPath = "model") {
  const dir = await tempDir("verl-standin-");
  await writeTestRlParquet(join(dir, "train.parquet"), sampleRows(rows));
  await writeTestRlParquet(join(dir, "val.parquet"), sampleRows(4, "val"));
  const argv = renderVerlOverrides(
    {
      options: grpoOptionsSchema.parse(options),
      era: "current",
      paths: { trainFiles: "train.parquet", valFiles: "val.parquet", modelPath, rewardFile, checkpointDir: "ckpt" },
      projectName: "dianjin",
      experimentName: "standin test",
      cwd: dir,
    },
    "stages.grpo",
  );
  const env = { ...renderVerlEnv({ fileLoggerPath: join(dir, "metrics.jsonl") }), VERL_STANDIN_STEP_MS: "1" };
  return { dir, argv, env };
}

function run(argv: string[], env: Record<string, string>, cwd: string) {
  return execa(STANDIN, argv, { env, cwd, reject: false, all: true });
}

function events(output: string): VerlEvent[] {
  const parser = createVerlProgressParser();
  return output.split("\n").flatMap((l) => parser.push(l));
}

describe("verl stand-in round trip", () => {
  it("trains on rendered overrides: progress lines, total, JSONL metrics, checkpoints every save_freq", async () => {
    const { dir, argv, env } = await setup();
    const result = await run(argv, env, dir);
    expect(result.exitCode, result.all).toBe(0);
    const evs = events(result.stdout);
    // 20 rows / 8 per batch = 2 full batches per epoch × 2 epochs.
    expect(evs).toContainEqual({ kind: "total", total: 4 });
    const progress = evs.filter((e) => e.kind === "progress" && !e.validationOnly);
    expect(progress.map((e) => e.kind === "progress" && e.step)).toEqual([1, 2, 3, 4]);
    const last = progress.at(-1)!;
    expect(last.kind === "progress" && last.total).toBe(4);
    expect(last.kind === "progress" && last.metrics["critic/score/mean"]).toBeGreaterThan(0);
    // The file logger's JSONL gives the same steps.
    const reader = new VerlFileLogReader(join(dir, "metrics.jsonl"), 4);
    const fromFile: number[] = [];
    await reader.poll((e) => {
      if (!e.validationOnly) fromFile.push(e.step);
    });
    expect(fromFile).toEqual([1, 2, 3, 4]);
    const latest = await findLatestCheckpoint(join(dir, "ckpt"));
    expect(latest.checkpoint).toMatchObject({ step: 4, worldSize: 2, hasFsdpConfig: true });
    expect(
      readdirSync(join(dir, "ckpt"))
        .filter((n) => n.startsWith("global_step_"))
        .sort(),
    ).toEqual(["global_step_2", "global_step_4"]);
  });

  it("crashes on request, then resume_mode=auto continues after the last checkpoint", async () => {
    const { dir, argv, env } = await setup();
    const crashed = await run(argv, { ...env, VERL_STANDIN_CRASH_AT_STEP: "3" }, dir);
    expect(crashed.exitCode).toBe(1);
    expect(crashed.stderr).toContain("Traceback");
    expect((await findLatestCheckpoint(join(dir, "ckpt"))).checkpoint?.step).toBe(2);
    const resumed = await run(argv, env, dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    const evs = events(resumed.stdout);
    expect(evs).toContainEqual({ kind: "resumed", step: 2 });
    const steps = evs.filter((e) => e.kind === "progress" && !e.validationOnly).map((e) => e.kind === "progress" && e.step);
    expect(steps).toEqual([3, 4]);
  });

  it("prints a CUDA OOM on request that the classifier recognises", async () => {
    const { dir, argv, env } = await setup();
    const result = await run(argv, { ...env, VERL_STANDIN_FAIL: "oom" }, dir);
    expect(result.exitCode).toBe(1);
    expect(classifyVerlFailure(result.all ?? "", "stages.grpo").id).toBe("cuda-oom");
  });

  it("rejects an unknown key with Hydra's text, which the classifier names", async () => {
    const { dir, argv, env } = await setup();
    const result = await run([...argv, "actor_rollout_ref.actor.optim.lrr=1e-6"], env, dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Could not override 'actor_rollout_ref.actor.optim.lrr'.");
    expect(result.stderr).toContain("Key 'lrr' is not in struct");
    const cause = classifyVerlFailure(result.stderr, "stages.grpo");
    expect(cause.id).toBe("hydra-unknown-key");
    expect(cause.hint).toContain("stages.grpo.overrides.actor_rollout_ref.actor.optim.lrr");
  });

  it("rejects the seed-era checkpoint.contents key, as current verl does", async () => {
    const { dir, argv, env } = await setup();
    const result = await run([...argv, "actor_rollout_ref.actor.checkpoint.contents=[model,optimizer,extra]"], env, dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Key 'contents' is not in struct");
  });

  it("fails like verl when the batch does not divide over the GPUs", async () => {
    const { dir, argv, env } = await setup({ ...SMALL, trainer: { ...SMALL.trainer, n_gpus_per_node: 3 }, rollout: { n: 1, tensor_model_parallel_size: 1 } });
    const result = await run(argv, env, dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("real_train_batch_size (8) must be divisible by minimal possible batch size (3)");
    expect(classifyVerlFailure(result.stderr, "stages.grpo").id).toBe("batch-config");
  });

  it("fails with verl's KeyError when the Parquet lacks reward_model", async () => {
    const { dir, argv, env } = await setup();
    await writeTestRlParquet(join(dir, "train.parquet"), sampleRows(20), { withoutRewardModel: true });
    const result = await run(argv, env, dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/KeyError: 'reward_model'/);
    expect(classifyVerlFailure(result.stderr, "stages.grpo").id).toBe("dataset-schema");
  });

  it("runs the reward function with real python3 and reports a missing function like verl", async () => {
    const { dir, argv, env } = await setup();
    const bad = argv.map((a) => (a.startsWith("custom_reward_function.name=") ? "custom_reward_function.name=no_such_fn" : a));
    const result = await run(bad, env, dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("Object not found in module: object_name='no_such_fn'");
    expect(classifyVerlFailure(result.stderr, "stages.grpo").id).toBe("reward-function");
  });

  it("a reward function that raises fails the run", async () => {
    const { dir, argv, env } = await setup();
    const bad = argv.map((a) => (a.startsWith("custom_reward_function.name=") ? "custom_reward_function.name=broken_score" : a));
    const result = await run(bad, env, dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("reward exploded on purpose");
  });

  it("scores with the shipped dianjin_reward.py", async (ctx) => {
    ctx.skip(!existsSync(SHIPPED_REWARD), `${SHIPPED_REWARD} is absent`);
    const { dir, argv, env } = await setup(SMALL, 20, SHIPPED_REWARD);
    const result = await run(argv, env, dir);
    expect(result.exitCode, result.all).toBe(0);
    const lines = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n");
    const first = JSON.parse(lines[1]!) as { data: Record<string, number> };
    // Right answers score 1, wrong/malformed 0, so the mean sits strictly between.
    expect(first.data["critic/score/mean"]).toBeGreaterThan(0);
    expect(first.data["critic/score/mean"]).toBeLessThan(1);
  });

  it("writes checkpoints the merger stand-in accepts", async (ctx) => {
    ctx.skip(!existsSync(MERGER), `the merger stand-in ${MERGER} is absent`);
    const { dir, argv, env } = await setup(SMALL, 20, TINY_REWARD, TINY_MODEL);
    const trained = await execa(STANDIN, ["-m", "verl.trainer.main_ppo", ...argv], { env, cwd: dir, reject: false, all: true });
    expect(trained.exitCode, trained.all).toBe(0);
    const { checkpoint } = await findLatestCheckpoint(join(dir, "ckpt"));
    expect(existsSync(join(checkpoint!.actorDir, "huggingface", "config.json"))).toBe(true);
    const merged = await execa(MERGER, ["merge", "--backend", "fsdp", "--local_dir", checkpoint!.actorDir, "--target_dir", join(dir, "merged")], {
      reject: false,
      all: true,
    });
    expect(merged.exitCode, merged.all).toBe(0);
    expect(existsSync(join(dir, "merged", "model.safetensors.index.json"))).toBe(true);
  });

  it("refuses to resume a checkpoint saved with another GPU count, as verl does", async () => {
    const { dir, argv, env } = await setup();
    const first = await run(argv, { ...env, VERL_STANDIN_CRASH_AT_STEP: "3" }, dir);
    expect(first.exitCode).toBe(1);
    const moreGpus = argv.map((a) => (a.startsWith("trainer.n_gpus_per_node=") ? "trainer.n_gpus_per_node=4" : a));
    const result = await run(moreGpus, env, dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("model_world_size_4_rank_0.pt");
    expect(classifyVerlFailure(result.stderr, "stages.grpo").id).toBe("resume-world-size");
  });

  it("applies Hydra's + rules", async () => {
    const { dir, argv, env } = await setup();
    const exists = await run([...argv, "+data.train_batch_size=8"], env, dir);
    expect(exists.exitCode).toBe(1);
    expect(exists.stderr).toContain("Could not append to config. An item is already at 'data.train_batch_size'.");
    const dataclass = await run([...argv, "+actor_rollout_ref.actor.checkpoint.contents=[model]"], env, dir);
    expect(dataclass.exitCode).toBe(1);
    expect(dataclass.stderr).toContain("unexpected keyword argument 'contents'");
    const nested = await run([...argv, "ray_kwargs.ray_init={num_cpu:4}"], env, dir);
    expect(nested.exitCode).toBe(1);
    expect(nested.stderr).toContain("Key 'num_cpu' is not in struct");
    const fine = await run([...argv, "+custom_reward_function.reward_kwargs.return_dict=true", "ray_kwargs.ray_init={num_cpus:4}"], env, dir);
    expect(fine.exitCode, fine.all).toBe(0);
  });

  it("needs tracker credentials when wandb is asked for (why trainer.logger is always rendered)", async () => {
    const { dir, argv, env } = await setup();
    const withWandb = argv.map((a) => (a.startsWith("trainer.logger=") ? "trainer.logger=[console,wandb]" : a));
    const result = await run(withWandb, { ...env, WANDB_API_KEY: "" }, dir);
    expect(result.exitCode).toBe(1);
    expect(classifyVerlFailure(result.stderr, "stages.grpo").id).toBe("tracker-credentials");
  });

  it.each([
    ["the small recipe", {}],
    ["rollout TP 3 on 2 GPUs", { rollout: { n: 4, tensor_model_parallel_size: 3 } }],
    ["micro-batch 3 against a per-GPU mini-batch of 8", { actor: { ppo_mini_batch_size: 4, ppo_micro_batch_size_per_gpu: 3 } }],
    ["mini-batch larger than the step", { actor: { ppo_mini_batch_size: 16, ppo_micro_batch_size_per_gpu: 2 } }],
  ] as const)("pre-flight and the stand-in agree on %s", async (_, change) => {
    const options: GrpoOptionsInput = {
      ...SMALL,
      ...change,
      rollout: { ...SMALL.rollout, ...("rollout" in change ? change.rollout : {}) },
      actor: { ...SMALL.actor, ...("actor" in change ? change.actor : {}) },
    };
    const problems = preflightGrpo(grpoOptionsSchema.parse(options), { trainRows: 20 }, "current", "stages.grpo");
    const { dir, argv, env } = await setup(options);
    const result = await run(argv, env, dir);
    expect(result.exitCode === 0, `${JSON.stringify(problems)}\n${result.stderr}`).toBe(problems.length === 0);
  });
});
