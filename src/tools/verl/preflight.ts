// verl's own start-up checks, re-implemented so they fail in seconds instead of after Ray and vLLM are up.
// Each rule names the experiment-file keys involved and the numbers it computed; verl's wording is quoted.
import type { Problem } from "../../errors.js";
import { OWNED_VERL_KEYS, VERL_DEFAULTS } from "./defaults.js";
import type { VerlEra } from "./inventory.js";
import { eraGeneration } from "./era.js";
import type { GrpoOptions } from "./options.js";
import { grpoSettings, overrideEntry, type GrpoSettings } from "./settings.js";
import { validateOverrides } from "./validate.js";

/** What pre-flight knows beyond the options; each rule that needs a missing fact is skipped. */
export interface GrpoFacts {
  /** Training rows left after length filtering (verl drops the last partial batch). */
  trainRows?: number;
  /** GPU count (world size) the checkpoint to resume from was saved with. */
  checkpointWorldSize?: number;
  /** The run will resume from that checkpoint (trainer.resume_mode auto with a checkpoint present, or resume_path). */
  resuming?: boolean;
}

export type GrpoRule = (s: GrpoSettings, facts: GrpoFacts) => Problem[];

const K = {
  batch: "data.train_batch_size",
  n: "actor_rollout_ref.rollout.n",
  mini: "actor_rollout_ref.actor.ppo_mini_batch_size",
  micro: "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu",
  sp: "actor_rollout_ref.actor.ulysses_sequence_parallel_size",
  dynamicBsz: "actor_rollout_ref.actor.use_dynamic_bsz",
  tp: "actor_rollout_ref.rollout.tensor_model_parallel_size",
  dp: "actor_rollout_ref.rollout.data_parallel_size",
  pp: "actor_rollout_ref.rollout.pipeline_model_parallel_size",
  gpusPerNode: "trainer.n_gpus_per_node",
  nodes: "trainer.nnodes",
  estimator: "algorithm.adv_estimator",
} as const;

function int(s: GrpoSettings, key: string, fallback: number): number {
  const v = s.value(key);
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

function gpus(s: GrpoSettings): { total: number; text: string } {
  const nodes = int(s, K.nodes, 1);
  const perNode = int(s, K.gpusPerNode, 8);
  return { total: nodes * perNode, text: `${s.source(K.nodes)} × ${s.source(K.gpusPerNode)} = ${nodes} × ${perNode} = ${nodes * perNode}` };
}

const dynamicBatching = (s: GrpoSettings) => s.value(K.dynamicBsz) === true;

/** B1 (and B13 at run time): the step's responses (prompts × n) are split evenly over all GPUs, dynamic batching or not. */
export const ruleBatchDivisibleByGpus: GrpoRule = (s) => {
  const batch = int(s, K.batch, 1024);
  const n = int(s, K.n, 1);
  const g = gpus(s);
  if ((batch * n) % g.total === 0) return [];
  return [
    {
      path: s.source(K.batch),
      message: `${s.source(K.batch)} × ${s.source(K.n)} = ${batch} × ${n} = ${batch * n} responses per step must be divisible by the GPU count ${g.text} (verl: "real_train_batch_size (${batch * n}) must be divisible by ${eraGeneration(s.era) === "seed" ? `total n_gpus (${g.total}).` : `minimal possible batch size (${g.total})`}")`,
    },
  ];
};

/** B2: a step holds at least one mini-batch. */
export const ruleTrainBatchCoversMiniBatch: GrpoRule = (s) => {
  if (dynamicBatching(s)) return [];
  const batch = int(s, K.batch, 1024);
  const mini = int(s, K.mini, 256);
  if (batch >= mini) return [];
  return [
    {
      path: s.source(K.mini),
      message: `${s.source(K.batch)} (${batch}) must be >= ${s.source(K.mini)} (${mini}) (verl: "train_batch_size (${batch}) must be >= actor.ppo_mini_batch_size (${mini})")`,
    },
  ];
};

/** B5/B6: per GPU, a mini-batch of responses (mini × n ÷ (GPUs ÷ sequence-parallel size)) splits into whole micro-batches. */
export const ruleMicroBatchDividesMiniBatch: GrpoRule = (s) => {
  const mini = int(s, K.mini, 256);
  const n = int(s, K.n, 1);
  const micro = int(s, K.micro, 1);
  const sp = int(s, K.sp, 1);
  const g = gpus(s);
  if (g.total % sp !== 0) {
    return [{ path: s.source(K.sp), message: `${s.source(K.sp)} (${sp}) must divide the GPU count ${g.text}` }];
  }
  if (dynamicBatching(s)) return [];
  const perGpu = Math.floor((mini * n) / (g.total / sp));
  const formula = `${s.source(K.mini)} × ${s.source(K.n)} ÷ (GPUs ÷ ${s.source(K.sp)}) = ${mini} × ${n} ÷ (${g.total} ÷ ${sp}) = ${perGpu}`;
  if (perGpu <= 0) {
    return [
      {
        path: s.source(K.mini),
        message: `the per-GPU mini-batch ${formula} must be > 0 (verl: "ppo_mini_batch_size ${perGpu} should be larger than 0 after normalization")`,
      },
    ];
  }
  if (perGpu % micro !== 0 || perGpu < micro) {
    return [
      {
        path: s.source(K.micro),
        message: `the per-GPU mini-batch ${formula} must be a multiple of ${s.source(K.micro)} (${micro}) (verl: "normalized ppo_mini_batch_size ${perGpu} should be divisible by ppo_micro_batch_size_per_gpu ${micro}")`,
      },
    ];
  }
  return [];
};

/** P1: vLLM replicas of tp × dp × pp GPUs tile the GPUs. */
export const ruleRolloutParallelDividesGpus: GrpoRule = (s) => {
  const tp = int(s, K.tp, 1);
  const dp = int(s, K.dp, 1);
  const pp = int(s, K.pp, 1);
  const g = gpus(s);
  const replica = tp * dp * pp;
  if (g.total % replica === 0) return [];
  const size = dp * pp === 1 ? `${s.source(K.tp)} (${tp})` : `tp × dp × pp = ${tp} × ${dp} × ${pp} = ${replica}`;
  return [
    {
      path: s.source(K.tp),
      message: `the GPU count ${g.text} must be divisible by the rollout size ${size} (verl: "rollout world_size: ${g.total} is not divisible by infer_world_size: ${replica}")`,
    },
  ];
};

/** Group-relative estimators compare a prompt's responses; with one response the advantage is always 0. */
export const ruleGroupNeedsSeveralSamples: GrpoRule = (s) => {
  const estimator = String(s.value(K.estimator) ?? "");
  const n = int(s, K.n, 1);
  if (!VERL_DEFAULTS.groupEstimators.includes(estimator) || n > 1) return [];
  return [
    {
      path: s.source(K.n),
      message: `${s.source(K.estimator)} is ${estimator}, which normalises rewards within each prompt's group of responses, so ${s.source(K.n)} must be > 1 (got ${n}); verl does not check this and silently trains on zero advantages`,
    },
  ];
};

/** B11: after filtering there must be at least one full batch (verl drops the last partial one). */
export const ruleEnoughRowsForOneBatch: GrpoRule = (s, facts) => {
  if (facts.trainRows === undefined) return [];
  const batch = int(s, K.batch, 1024);
  if (facts.trainRows >= batch) return [];
  return [
    {
      path: s.source(K.batch),
      message: `only ${facts.trainRows} training rows are left after filtering, fewer than ${s.source(K.batch)} (${batch}); verl would stop with "Train dataloader is empty!" — lower the batch size or add data`,
    },
  ];
};

/** Checkpoint shards embed the world size: a resume must use the same GPU count. */
export const ruleResumeSameGpuCount: GrpoRule = (s, facts) => {
  if (!facts.resuming || facts.checkpointWorldSize === undefined) return [];
  const g = gpus(s);
  if (facts.checkpointWorldSize === g.total) return [];
  return [
    {
      path: s.source(K.gpusPerNode),
      message: `the checkpoint to resume was saved by ${facts.checkpointWorldSize} GPUs but this run has ${g.text}; verl cannot reshard (each rank opens model_world_size_${g.total}_rank_<r>.pt and fails) — use ${facts.checkpointWorldSize} GPUs or start over`,
    },
  ];
};

/** B3/B7/B8: exactly one of the deprecated global micro-batch size and its per-GPU form, per worker. */
export const ruleMicroBatchSetOnce: GrpoRule = (s) => {
  const pairs: [string, string, string][] = [
    ["actor", "actor_rollout_ref.actor.ppo_micro_batch_size", "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu"],
    ["actor_rollout_ref.rollout", "actor_rollout_ref.rollout.log_prob_micro_batch_size", "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu"],
  ];
  // The reference model exists only with a KL loss or KL-in-reward.
  if (s.value("actor_rollout_ref.actor.use_kl_loss") === true || s.value("algorithm.use_kl_in_reward") === true) {
    pairs.push(["actor_rollout_ref.ref", "actor_rollout_ref.ref.log_prob_micro_batch_size", "actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu"]);
  }
  if (dynamicBatching(s)) return [];
  const problems: Problem[] = [];
  for (const [section, global, perGpu] of pairs) {
    const hasGlobal = s.value(global) !== null && s.value(global) !== undefined;
    const hasPerGpu = s.value(perGpu) !== null && s.value(perGpu) !== undefined;
    if (hasGlobal && hasPerGpu) {
      problems.push({
        path: s.source(global),
        message: `set only ${s.source(perGpu)}; verl refuses both ("[${section}] You have set both '${global.split(".").pop()}' AND '${perGpu.split(".").pop()}'", the former is deprecated)`,
      });
    } else if (!hasGlobal && !hasPerGpu) {
      problems.push({
        path: s.source(perGpu),
        message: `must be set (verl: "[${section}] Please set at least one of '${global.split(".").pop()}' or '${perGpu.split(".").pop()}'")`,
      });
    }
  }
  return problems;
};

/** E1: current verl removed the synchronous rollout. */
export const ruleRolloutModeAsync: GrpoRule = (s) => {
  if (s.era !== "current" || s.value("actor_rollout_ref.rollout.mode") !== "sync") return [];
  const key = "actor_rollout_ref.rollout.mode";
  return [{ path: s.source(key), message: `current verl rejects sync ("Rollout mode 'sync' has been removed"); remove this override or set async` }];
};

/** E3: sampling during validation needs a positive temperature (verl checks the training temperature). */
export const ruleValidationSamplingTemperature: GrpoRule = (s) => {
  if (s.value("actor_rollout_ref.rollout.val_kwargs.do_sample") !== true) return [];
  const t = s.value("actor_rollout_ref.rollout.temperature");
  if (typeof t === "number" && t > 0) return [];
  const key = "actor_rollout_ref.rollout.temperature";
  return [
    {
      path: s.source(key),
      message: `must be > 0 when actor_rollout_ref.rollout.val_kwargs.do_sample is true (got ${String(t)}; verl: "validation gen temperature should be greater than 0 when enabling do_sample")`,
    },
  ];
};

/** Keys the wrapper derives from the experiment (paths, logging, resume) must not be overridden. */
export const ruleOwnedKeysNotOverridden: GrpoRule = (s) => {
  const problems: Problem[] = [];
  for (const setting of s.byKey.values()) {
    if (!setting.source.startsWith(`${s.configPath}.overrides.`)) continue;
    const { key } = overrideEntry(setting.source.slice(`${s.configPath}.overrides.`.length));
    if (OWNED_VERL_KEYS.includes(key)) {
      problems.push({ path: setting.source, message: `${key} is set by dianjin-train from the experiment (paths, tracking, resume); remove this override` });
    }
  }
  return problems;
};

export const GRPO_PREFLIGHT_RULES: Readonly<Record<string, GrpoRule>> = {
  ruleBatchDivisibleByGpus,
  ruleTrainBatchCoversMiniBatch,
  ruleMicroBatchDividesMiniBatch,
  ruleRolloutParallelDividesGpus,
  ruleGroupNeedsSeveralSamples,
  ruleEnoughRowsForOneBatch,
  ruleResumeSameGpuCount,
  ruleMicroBatchSetOnce,
  ruleRolloutModeAsync,
  ruleValidationSamplingTemperature,
  ruleOwnedKeysNotOverridden,
};

/** Every problem at once: override keys against the era's inventory, then each rule. */
/** `configPath` is the experiment's block of the stage that runs verl (e.g. "stages.grpo"): problems name keys under it. */
export function preflightGrpo(options: GrpoOptions, facts: GrpoFacts, era: VerlEra, configPath: string): Problem[] {
  const settings = grpoSettings(options, era, configPath);
  return [...validateOverrides(options.overrides, era, configPath), ...Object.values(GRPO_PREFLIGHT_RULES).flatMap((rule) => rule(settings, facts))];
}
