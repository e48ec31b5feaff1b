// The GRPO stage options (typed, strict) and how each maps onto a verl config key.
import { z } from "zod";
import { GRPO_DEFAULTS } from "./defaults.js";
import { LIMITS } from "../../util/limits.js";

/** Counts and sizes; LIMITS.batch bounds them, the token lengths have their own bound. */
const positiveInt = z.number().int().positive().max(LIMITS.batch);
const tokens = z.number().int().positive().max(LIMITS.tokens);
const fraction = z.number().gt(0).lte(1);

/**
 * verl's AdvantageEstimator values (verl/trainer/ppo/core_algos.py, `class AdvantageEstimator(str, Enum)`), the union
 * over the supported releases; a name verl does not register stops main_ppo at start-up.
 */
export const ADV_ESTIMATORS = [
  "gae",
  "grpo",
  "reinforce_plus_plus",
  "reinforce_plus_plus_baseline",
  "remax",
  "rloo",
  "opo",
  "grpo_passk",
  "gpg",
  "rloo_vectorized",
  "grpo_vectorized",
  "optimal_token_baseline",
  "tir_optimal_token_baseline",
] as const;

const dataSchema = z
  .object({
    /** Prompts per training step. */
    train_batch_size: positiveInt.default(GRPO_DEFAULTS.data.train_batch_size),
    max_prompt_length: tokens.default(GRPO_DEFAULTS.data.max_prompt_length),
    max_response_length: tokens.default(GRPO_DEFAULTS.data.max_response_length),
    filter_overlong_prompts: z.boolean().default(GRPO_DEFAULTS.data.filter_overlong_prompts),
    truncation: z.enum(["error", "left", "right", "middle"]).default(GRPO_DEFAULTS.data.truncation),
  })
  .strict();

const actorSchema = z
  .object({
    lr: z.number().positive().max(1).default(GRPO_DEFAULTS.actor.lr),
    /** Prompts per optimizer step (verl multiplies by rollout.n internally). */
    ppo_mini_batch_size: positiveInt.default(GRPO_DEFAULTS.actor.ppo_mini_batch_size),
    ppo_micro_batch_size_per_gpu: positiveInt.default(GRPO_DEFAULTS.actor.ppo_micro_batch_size_per_gpu),
    use_kl_loss: z.boolean().default(GRPO_DEFAULTS.actor.use_kl_loss),
    kl_loss_coef: z.number().nonnegative().max(1e6).default(GRPO_DEFAULTS.actor.kl_loss_coef),
    kl_loss_type: z.string().min(1).default(GRPO_DEFAULTS.actor.kl_loss_type),
    entropy_coeff: z.number().nonnegative().max(1e6).default(GRPO_DEFAULTS.actor.entropy_coeff),
    param_offload: z.boolean().default(GRPO_DEFAULTS.actor.param_offload),
    optimizer_offload: z.boolean().default(GRPO_DEFAULTS.actor.optimizer_offload),
    ulysses_sequence_parallel_size: positiveInt.max(LIMITS.gpusPerNode).default(GRPO_DEFAULTS.actor.ulysses_sequence_parallel_size),
    enable_gradient_checkpointing: z.boolean().default(GRPO_DEFAULTS.actor.enable_gradient_checkpointing),
    use_remove_padding: z.boolean().default(GRPO_DEFAULTS.actor.use_remove_padding),
    checkpoint_contents: z
      .array(z.enum(["model", "optimizer", "extra", "hf_model"]))
      .min(1)
      .default([...GRPO_DEFAULTS.actor.checkpoint_contents]),
  })
  .strict();

const rolloutSchema = z
  .object({
    name: z.enum(["vllm", "sglang", "hf", "trtllm"]).default(GRPO_DEFAULTS.rollout.name),
    tensor_model_parallel_size: positiveInt.max(LIMITS.gpusPerNode).default(GRPO_DEFAULTS.rollout.tensor_model_parallel_size),
    gpu_memory_utilization: fraction.default(GRPO_DEFAULTS.rollout.gpu_memory_utilization),
    temperature: z.number().nonnegative().max(100).default(GRPO_DEFAULTS.rollout.temperature),
    top_p: fraction.default(GRPO_DEFAULTS.rollout.top_p),
    /** Responses sampled per prompt (the GRPO group size). */
    n: positiveInt.max(LIMITS.count).default(GRPO_DEFAULTS.rollout.n),
    log_prob_micro_batch_size_per_gpu: positiveInt.default(GRPO_DEFAULTS.rollout.log_prob_micro_batch_size_per_gpu),
  })
  .strict();

const refSchema = z
  .object({
    log_prob_micro_batch_size_per_gpu: positiveInt.default(GRPO_DEFAULTS.ref.log_prob_micro_batch_size_per_gpu),
    param_offload: z.boolean().default(GRPO_DEFAULTS.ref.param_offload),
  })
  .strict();

const trainerSchema = z
  .object({
    /** Save every N steps (and at the last step); -1 never saves. */
    save_freq: z
      .number()
      .int()
      .min(-1)
      .max(LIMITS.batch)
      .refine((n) => n === -1 || n > 0, "must be -1 (never) or a positive step count")
      .default(GRPO_DEFAULTS.trainer.save_freq),
    test_freq: z
      .number()
      .int()
      .min(-1)
      .max(LIMITS.batch)
      .refine((n) => n === -1 || n > 0, "must be -1 (never) or a positive step count")
      .default(GRPO_DEFAULTS.trainer.test_freq),
    total_epochs: positiveInt.max(LIMITS.count).default(GRPO_DEFAULTS.trainer.total_epochs),
    n_gpus_per_node: positiveInt.max(LIMITS.gpusPerNode).default(GRPO_DEFAULTS.trainer.n_gpus_per_node),
    nnodes: positiveInt.max(LIMITS.nodes).default(GRPO_DEFAULTS.trainer.nnodes),
    critic_warmup: z.number().int().nonnegative().max(LIMITS.batch).default(GRPO_DEFAULTS.trainer.critic_warmup),
  })
  .strict();

export const grpoOptionsSchema = z
  .object({
    adv_estimator: z.enum(ADV_ESTIMATORS).default(GRPO_DEFAULTS.adv_estimator),
    data: dataSchema.prefault({}),
    actor: actorSchema.prefault({}),
    rollout: rolloutSchema.prefault({}),
    ref: refSchema.prefault({}),
    trainer: trainerSchema.prefault({}),
    /**
     * Any other verl key, dotted as on verl's command line: `{"actor_rollout_ref.actor.clip_ratio_high": 0.28}`.
     * `+key` adds a key verl's config does not declare. Checked against the verl key inventory in pre-flight.
     */
    overrides: z.record(z.string().min(1), z.unknown()).default({}),
  })
  .strict();

export type GrpoOptions = z.infer<typeof grpoOptionsSchema>;
export type GrpoOptionsInput = z.input<typeof grpoOptionsSchema>;

/** The fully defaulted options (what an empty `stages.grpo` section means). */
export const GRPO_OPTION_DEFAULTS: GrpoOptions = grpoOptionsSchema.parse({});

/** Our option path (under stages.grpo) → verl key, in the current era's spelling. */
export const GRPO_OPTION_KEYS: Readonly<Record<string, string>> = {
  adv_estimator: "algorithm.adv_estimator",
  "data.train_batch_size": "data.train_batch_size",
  "data.max_prompt_length": "data.max_prompt_length",
  "data.max_response_length": "data.max_response_length",
  "data.filter_overlong_prompts": "data.filter_overlong_prompts",
  "data.truncation": "data.truncation",
  "actor.lr": "actor_rollout_ref.actor.optim.lr",
  "actor.ppo_mini_batch_size": "actor_rollout_ref.actor.ppo_mini_batch_size",
  "actor.ppo_micro_batch_size_per_gpu": "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu",
  "actor.use_kl_loss": "actor_rollout_ref.actor.use_kl_loss",
  "actor.kl_loss_coef": "actor_rollout_ref.actor.kl_loss_coef",
  "actor.kl_loss_type": "actor_rollout_ref.actor.kl_loss_type",
  "actor.entropy_coeff": "actor_rollout_ref.actor.entropy_coeff",
  "actor.param_offload": "actor_rollout_ref.actor.fsdp_config.param_offload",
  "actor.optimizer_offload": "actor_rollout_ref.actor.fsdp_config.optimizer_offload",
  "actor.ulysses_sequence_parallel_size": "actor_rollout_ref.actor.ulysses_sequence_parallel_size",
  "actor.enable_gradient_checkpointing": "actor_rollout_ref.model.enable_gradient_checkpointing",
  "actor.use_remove_padding": "actor_rollout_ref.model.use_remove_padding",
  "actor.checkpoint_contents": "actor_rollout_ref.actor.checkpoint.save_contents",
  "rollout.name": "actor_rollout_ref.rollout.name",
  "rollout.tensor_model_parallel_size": "actor_rollout_ref.rollout.tensor_model_parallel_size",
  "rollout.gpu_memory_utilization": "actor_rollout_ref.rollout.gpu_memory_utilization",
  "rollout.temperature": "actor_rollout_ref.rollout.temperature",
  "rollout.top_p": "actor_rollout_ref.rollout.top_p",
  "rollout.n": "actor_rollout_ref.rollout.n",
  "rollout.log_prob_micro_batch_size_per_gpu": "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu",
  "ref.log_prob_micro_batch_size_per_gpu": "actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu",
  "ref.param_offload": "actor_rollout_ref.ref.fsdp_config.param_offload",
  "trainer.save_freq": "trainer.save_freq",
  "trainer.test_freq": "trainer.test_freq",
  "trainer.total_epochs": "trainer.total_epochs",
  "trainer.n_gpus_per_node": "trainer.n_gpus_per_node",
  "trainer.nnodes": "trainer.nnodes",
  "trainer.critic_warmup": "trainer.critic_warmup",
};

/** Reads a dotted path out of the parsed options. */
export function optionValue(options: GrpoOptions, path: string): unknown {
  let node: unknown = options;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
