import { describe, expect, it } from "vitest";
import { grpoOptionsSchema, type GrpoOptionsInput } from "../../../src/tools/verl/options.js";
import {
  preflightGrpo,
  ruleBatchDivisibleByGpus,
  ruleEnoughRowsForOneBatch,
  ruleGroupNeedsSeveralSamples,
  ruleMicroBatchDividesMiniBatch,
  ruleMicroBatchSetOnce,
  ruleOwnedKeysNotOverridden,
  ruleRolloutModeAsync,
  ruleValidationSamplingTemperature,
  ruleResumeSameGpuCount,
  ruleRolloutParallelDividesGpus,
  ruleTrainBatchCoversMiniBatch,
  type GrpoFacts,
  type GrpoRule,
} from "../../../src/tools/verl/preflight.js";
import { grpoSettings } from "../../../src/tools/verl/settings.js";

function check(rule: GrpoRule, options: GrpoOptionsInput, facts: GrpoFacts = {}) {
  return rule(grpoSettings(grpoOptionsSchema.parse(options), "current", "stages.grpo"), facts);
}

describe("pre-flight rules (seed defaults pass every rule)", () => {
  it("train_batch_size × n divisible by the GPU count", () => {
    expect(check(ruleBatchDivisibleByGpus, {})).toEqual([]);
    const [p] = check(ruleBatchDivisibleByGpus, { data: { train_batch_size: 100 }, rollout: { n: 1 }, trainer: { n_gpus_per_node: 8 } });
    expect(p!.path).toBe("stages.grpo.data.train_batch_size");
    expect(p!.message).toContain("100 × 1 = 100 responses per step");
    expect(p!.message).toContain("stages.grpo.trainer.nnodes × stages.grpo.trainer.n_gpus_per_node = 1 × 8 = 8");
    expect(p!.message).toContain("real_train_batch_size (100) must be divisible by minimal possible batch size (8)");
  });

  it("train_batch_size >= ppo_mini_batch_size", () => {
    expect(check(ruleTrainBatchCoversMiniBatch, { data: { train_batch_size: 256 } })).toEqual([]);
    const [p] = check(ruleTrainBatchCoversMiniBatch, { data: { train_batch_size: 128 } });
    expect(p!.path).toBe("stages.grpo.actor.ppo_mini_batch_size");
    expect(p!.message).toContain("stages.grpo.data.train_batch_size (128) must be >= stages.grpo.actor.ppo_mini_batch_size (256)");
  });

  it("per-GPU mini-batch divisible by the micro-batch", () => {
    // Seed: 256 × 8 ÷ (8 ÷ 1) = 256, a multiple of 8.
    expect(check(ruleMicroBatchDividesMiniBatch, {})).toEqual([]);
    // 256 × 8 ÷ (8 ÷ 2) = 512 with sp=2: still fine.
    expect(check(ruleMicroBatchDividesMiniBatch, { actor: { ulysses_sequence_parallel_size: 2 } })).toEqual([]);
    const [p] = check(ruleMicroBatchDividesMiniBatch, {
      actor: { ppo_mini_batch_size: 12, ppo_micro_batch_size_per_gpu: 8 },
      rollout: { n: 2 },
      trainer: { n_gpus_per_node: 4 },
    });
    expect(p!.path).toBe("stages.grpo.actor.ppo_micro_batch_size_per_gpu");
    expect(p!.message).toContain("12 × 2 ÷ (4 ÷ 1) = 6");
    expect(p!.message).toContain("normalized ppo_mini_batch_size 6 should be divisible by ppo_micro_batch_size_per_gpu 8");
    const [zero] = check(ruleMicroBatchDividesMiniBatch, { actor: { ppo_mini_batch_size: 1 }, rollout: { n: 2 }, trainer: { n_gpus_per_node: 4 } });
    expect(zero!.message).toContain("must be > 0");
    const [sp] = check(ruleMicroBatchDividesMiniBatch, { actor: { ulysses_sequence_parallel_size: 3 } });
    expect(sp!.path).toBe("stages.grpo.actor.ulysses_sequence_parallel_size");
  });

  it("GPU count divisible by the rollout tensor parallel size", () => {
    expect(check(ruleRolloutParallelDividesGpus, {})).toEqual([]);
    const [p] = check(ruleRolloutParallelDividesGpus, { rollout: { tensor_model_parallel_size: 3 } });
    expect(p!.path).toBe("stages.grpo.rollout.tensor_model_parallel_size");
    expect(p!.message).toContain("rollout world_size: 8 is not divisible by infer_world_size: 3");
  });

  it("GRPO needs more than one response per prompt", () => {
    expect(check(ruleGroupNeedsSeveralSamples, {})).toEqual([]);
    expect(check(ruleGroupNeedsSeveralSamples, { adv_estimator: "gae", rollout: { n: 1 } })).toEqual([]);
    const [p] = check(ruleGroupNeedsSeveralSamples, { rollout: { n: 1 } });
    expect(p!.path).toBe("stages.grpo.rollout.n");
    expect(p!.message).toContain("must be > 1 (got 1)");
  });

  it("rows left after filtering cover one batch", () => {
    expect(check(ruleEnoughRowsForOneBatch, {})).toEqual([]); // unknown row count: skipped
    expect(check(ruleEnoughRowsForOneBatch, {}, { trainRows: 1024 })).toEqual([]);
    const [p] = check(ruleEnoughRowsForOneBatch, {}, { trainRows: 1000 });
    expect(p!.message).toContain("only 1000 training rows");
    expect(p!.message).toContain("Train dataloader is empty!");
  });

  it("resume needs the checkpoint's GPU count", () => {
    expect(check(ruleResumeSameGpuCount, {}, { resuming: true, checkpointWorldSize: 8 })).toEqual([]);
    expect(check(ruleResumeSameGpuCount, {}, { resuming: false, checkpointWorldSize: 16 })).toEqual([]);
    const [p] = check(ruleResumeSameGpuCount, {}, { resuming: true, checkpointWorldSize: 16 });
    expect(p!.message).toContain("saved by 16 GPUs but this run has");
    expect(p!.message).toContain("= 8");
  });

  it("micro-batch size set exactly once per worker", () => {
    expect(check(ruleMicroBatchSetOnce, {})).toEqual([]);
    const [both] = check(ruleMicroBatchSetOnce, { overrides: { "actor_rollout_ref.actor.ppo_micro_batch_size": 64 } });
    expect(both!.path).toBe("stages.grpo.overrides.actor_rollout_ref.actor.ppo_micro_batch_size");
    expect(both!.message).toContain("You have set both");
    const [none] = check(ruleMicroBatchSetOnce, { overrides: { "~actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu": null } });
    expect(none!.message).toContain("[actor_rollout_ref.ref] Please set at least one of");
    // Without a KL loss there is no reference model to configure.
    expect(
      check(ruleMicroBatchSetOnce, { actor: { use_kl_loss: false }, overrides: { "~actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu": null } }),
    ).toEqual([]);
  });

  it("rollout mode sync is refused by current verl", () => {
    expect(check(ruleRolloutModeAsync, { overrides: { "actor_rollout_ref.rollout.mode": "async" } })).toEqual([]);
    expect(check(ruleRolloutModeAsync, { overrides: { "actor_rollout_ref.rollout.mode": "sync" } })[0]!.message).toContain(
      "Rollout mode 'sync' has been removed",
    );
  });

  it("validation sampling needs a positive temperature", () => {
    expect(check(ruleValidationSamplingTemperature, { overrides: { "actor_rollout_ref.rollout.val_kwargs.do_sample": true } })).toEqual([]);
    const [p] = check(ruleValidationSamplingTemperature, {
      rollout: { temperature: 0 },
      overrides: { "actor_rollout_ref.rollout.val_kwargs.do_sample": true },
    });
    expect(p!.path).toBe("stages.grpo.rollout.temperature");
  });

  it("wrapper-owned keys may not be overridden", () => {
    expect(check(ruleOwnedKeysNotOverridden, { overrides: { "trainer.val_before_train": false } })).toEqual([]);
    const [p] = check(ruleOwnedKeysNotOverridden, { overrides: { "trainer.default_local_dir": "/x" } });
    expect(p!.path).toBe("stages.grpo.overrides.trainer.default_local_dir");
  });

  it("an override of a verl key is named as the source in messages", () => {
    const [p] = check(ruleTrainBatchCoversMiniBatch, { overrides: { "actor_rollout_ref.actor.ppo_mini_batch_size": 2048 } });
    expect(p!.path).toBe("stages.grpo.overrides.actor_rollout_ref.actor.ppo_mini_batch_size");
    expect(p!.message).toContain("(2048)");
  });
});

describe("preflightGrpo", () => {
  it("passes the seed recipe", () => {
    expect(preflightGrpo(grpoOptionsSchema.parse({}), { trainRows: 30_000 }, "current", "stages.grpo")).toEqual([]);
  });

  it("returns every problem at once, override keys included", () => {
    const problems = preflightGrpo(
      grpoOptionsSchema.parse({
        rollout: { n: 1, tensor_model_parallel_size: 3 },
        data: { train_batch_size: 100 },
        overrides: { "trainer.loger": ["console"] },
      }),
      { trainRows: 50 },
      "current",
      "stages.grpo",
    );
    const paths = problems.map((p) => p.path);
    expect(paths).toContain("stages.grpo.overrides.trainer.loger");
    expect(paths).toContain("stages.grpo.rollout.n");
    expect(paths).toContain("stages.grpo.rollout.tensor_model_parallel_size");
    expect(paths).toContain("stages.grpo.data.train_batch_size");
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });
});
