// Per-GPU memory of verl GRPO with actor, reference and vLLM rollout on the same GPUs (the hybrid engine). Two phases
// take turns, and the larger one is what must fit:
//  - rollout: vLLM holds utilization × memory; whatever the actor and reference keep on the GPU (what is not
//    offloaded) sits beside it.
//  - update: the actor's FSDP shard, fp32 master weights, grads and Adam = 16 bytes/param ÷ GPUs (loaded back even
//    when offloaded between phases), activations of one micro batch (Korthikanti, with recomputation when enabled),
//    the logits (bf16 with remove-padding, as verl's flash-attn cross entropy reads them), and the reference
//    shard when kept on the GPU. vLLM has released its cache (and, in sleep mode, its weights) by then.
// The lower bound keeps what no data changes: vLLM's share, the shards on the GPU, the least overhead. With
// use_remove_padding the update sees only the real tokens (short answers are far below max length), so activations and
// logits leave the lower bound; without it verl pads prompts to max_prompt_length and responses to
// max_response_length, and they stay.
import { activationBytes, logitsBytes } from "./activations.js";
import { kvBytesPerTokenPerGpu, vllmShare } from "./kv-cache.js";
import type { ModelDims } from "./model-dims.js";
import { FRAMEWORK_OVERHEAD_GB } from "./fit.js";
import type { Bound, KvCache, MemoryBreakdown } from "./types.js";
import { round2, toGb } from "./units.js";

export interface GrpoShape {
  dims: ModelDims;
  params: number;
  gpus: number;
  memoryGb: number;
  promptLen: number;
  responseLen: number;
  trainBatch: number;
  n: number;
  microBatch: number;
  sequenceParallel: number;
  checkpointing: boolean;
  removePadding: boolean;
  actorParamOffload: boolean;
  actorOptimizerOffload: boolean;
  refParamOffload: boolean;
  tp: number;
  utilization: number;
}

export interface GrpoMemory {
  perGpu: MemoryBreakdown;
  phase: "rollout" | "update";
  phases: { rollout: number; update: number };
  kv: KvCache;
}

const sum = (parts: Record<string, number>) => round2(Object.values(parts).reduce((a, b) => a + b, 0));

export function grpoMemory(s: GrpoShape, bound: Bound = "upper"): GrpoMemory {
  const shard = s.params / s.gpus;
  const seq = s.promptLen + s.responseLen;
  const localSeq = Math.ceil(seq / s.sequenceParallel);
  const refShard = s.refParamOffload ? 0 : toGb(2 * shard);
  const rollout: Record<string, number> = {
    rollout_vllm: round2(s.utilization * s.memoryGb),
    actor_resident: toGb((s.actorParamOffload ? 0 : 4 * shard) + (s.actorOptimizerOffload ? 0 : 8 * shard)),
    ref_params: refShard,
    framework: FRAMEWORK_OVERHEAD_GB[bound],
  };
  const lengthKnown = bound === "upper" || !s.removePadding;
  const update: Record<string, number> = {
    actor_states: toGb(16 * shard),
    ref_params: refShard,
    ...(lengthKnown ? tokenParts(s, localSeq) : {}),
    framework: FRAMEWORK_OVERHEAD_GB[bound],
  };
  const phases = { rollout: sum(rollout), update: sum(update) };
  const phase = phases.rollout >= phases.update ? "rollout" : "update";
  const parts = phase === "rollout" ? rollout : update;
  const share = vllmShare(s.dims, s.params, s.tp, s.utilization * s.memoryGb);
  const best = vllmShare(s.dims, s.params, s.tp, s.utilization * s.memoryGb, "lower");
  const engines = Math.max(1, Math.floor(s.gpus / s.tp));
  return {
    perGpu: { total: phases[phase], parts },
    phase,
    phases,
    kv: {
      capacity_tokens: share.capacityTokens,
      capacity_tokens_best: best.capacityTokens,
      min_tokens: seq,
      wanted_tokens: Math.ceil((s.n * s.trainBatch * seq) / engines),
      bytes_per_token: kvBytesPerTokenPerGpu(s.dims, s.tp) * s.tp,
    },
  };
}

/** Activations of one micro batch and its logits, every sequence `localSeq` long. */
function tokenParts(s: GrpoShape, localSeq: number): Record<string, number> {
  return {
    activations: toGb(
      activationBytes({
        seq: localSeq,
        microBatch: s.microBatch,
        hidden: s.dims.hidden,
        heads: s.dims.heads,
        layers: s.dims.layers,
        checkpointing: s.checkpointing,
        eagerAttention: false,
      }),
    ),
    logits: toGb((logitsBytes(localSeq, s.microBatch, s.dims.vocab) * (s.removePadding ? 2 : 4)) / 4),
  };
}
