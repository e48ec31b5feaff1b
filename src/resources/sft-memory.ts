// Per-GPU memory of LLaMA-Factory SFT: model states (DeepSpeed's estimator rules), activations (Korthikanti et al.),
// the fp32 logits buffer, and a fixed framework overhead. Pure: every input is stated.
import { activationBytes, logitsBytes } from "./activations.js";
import type { ZeroShape } from "./deepspeed-shape.js";
import { largestLayerParams, type ModelDims } from "./model-dims.js";
import { toGb } from "./units.js";
import { ddpModelStates, zero2ModelStates, zero3ModelStates, type ZeroEstimate } from "./zero.js";
import { FRAMEWORK_OVERHEAD_GB } from "./fit.js";
import type { Bound, MemoryBreakdown } from "./types.js";

export interface SftShape {
  dims: ModelDims;
  params: number;
  nodes: number;
  gpusPerNode: number;
  zero: ZeroShape;
  finetuning: "full" | "lora" | "freeze";
  /** Trainable parameters for lora/freeze (see trainableParams). */
  trainable: number;
  /** Bits of the frozen base weights: 16, or 8/4 with QLoRA. */
  weightBits: number;
  cutoff: number;
  microBatch: number;
  checkpointing: boolean;
  eagerAttention: boolean;
  /** packing/neat_packing: every sequence is cutoff long. Otherwise a batch is padded to its longest record only. */
  packing: boolean;
}

export interface SftMemory {
  perGpu: MemoryBreakdown;
  /** Per node. */
  hostBytes: number;
}

/** LoRA on every linear layer of each block (LLaMA-Factory's lora_target all): rank × (in + out) per matrix. */
export function loraParams(d: ModelDims, rank: number): number {
  const q = d.heads * d.head_dim;
  const kv = d.kv_heads * d.head_dim;
  const perLayer = d.hidden + q + 2 * (d.hidden + kv) + (q + d.hidden) + 2 * (d.hidden + d.intermediate) + (d.intermediate + d.hidden);
  return d.layers * rank * perLayer;
}

/** Mixed-precision Adam on the trainable part; the frozen base stays in its own bits (÷ GPUs under ZeRO-3). */
function partialStates(s: SftShape): ZeroEstimate {
  const gpus = s.nodes * s.gpusPerNode;
  const frozen = (s.params * s.weightBits) / 8;
  const frozenPerGpu = s.zero.stage === 3 ? frozen / gpus : frozen;
  const trainablePerGpu = s.zero.stage >= 2 ? (16 * s.trainable) / gpus : 16 * s.trainable;
  return { gpuBytes: Math.trunc(frozenPerGpu + trainablePerGpu), gatheredBytes: 0, cpuBytes: 0 };
}

export function modelStates(s: SftShape): ZeroEstimate {
  if (s.finetuning !== "full") return partialStates(s);
  if (s.zero.stage === 3)
    return zero3ModelStates(s.params, largestLayerParams(s.dims), s.gpusPerNode, s.nodes, { optimizer: s.zero.offloadOptimizer, params: s.zero.offloadParams });
  if (s.zero.stage === 2) return zero2ModelStates(s.params, s.gpusPerNode, s.nodes, s.zero.offloadOptimizer);
  return ddpModelStates(s.params);
}

/**
 * The upper bound has every sequence at cutoff_len. Without packing a batch is only as long as its longest record,
 * so the lower bound keeps just what no data changes: model states (DeepSpeed's own rules) and the least overhead.
 */
export function sftMemory(s: SftShape, bound: Bound = "upper"): SftMemory {
  const states = modelStates(s);
  const activations = activationBytes({
    seq: s.cutoff,
    microBatch: s.microBatch,
    hidden: s.dims.hidden,
    heads: s.dims.heads,
    layers: s.dims.layers,
    checkpointing: s.checkpointing,
    eagerAttention: s.eagerAttention,
  });
  const lengthKnown = bound === "upper" || s.packing;
  const parts: Record<string, number> = {
    model_states: toGb(states.gpuBytes - states.gatheredBytes),
    ...(states.gatheredBytes ? { zero3_gathered_layer: toGb(states.gatheredBytes) } : {}),
    ...(lengthKnown ? { activations: toGb(activations), logits: toGb(logitsBytes(s.cutoff, s.microBatch, s.dims.vocab)) } : {}),
    framework: FRAMEWORK_OVERHEAD_GB[bound],
  };
  const total = Math.round(Object.values(parts).reduce((a, b) => a + b, 0) * 100) / 100;
  return { perGpu: { total, parts }, hostBytes: s.zero.offloadOptimizer ? states.cpuBytes : 0 };
}
