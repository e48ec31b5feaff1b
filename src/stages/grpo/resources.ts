// GRPO's resource estimate, with the keys of its own block that a fix may suggest changing.
import { grpoEstimator } from "../../resources/estimate-grpo.js";

export const GRPO_FIX_KEYS = {
  actorParamOffload: "stages.grpo.actor.param_offload",
  actorOptimizerOffload: "stages.grpo.actor.optimizer_offload",
  refParamOffload: "stages.grpo.ref.param_offload",
  checkpointing: "stages.grpo.actor.enable_gradient_checkpointing",
  microBatch: "stages.grpo.actor.ppo_micro_batch_size_per_gpu",
  rolloutUtilization: "stages.grpo.rollout.gpu_memory_utilization",
  rolloutTp: "stages.grpo.rollout.tensor_model_parallel_size",
} as const;

export const estimateGrpo = grpoEstimator(GRPO_FIX_KEYS);
