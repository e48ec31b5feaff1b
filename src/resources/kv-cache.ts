// vLLM's KV-cache arithmetic. A token's cache is K and V for every layer: 2 × layers × KV heads × head_dim × 2 bytes
// (bf16). Tensor parallelism splits the KV heads over the group's GPUs (a head is replicated when there are fewer heads
// than GPUs). What vLLM may use per GPU is gpu_memory_utilization × memory; the weights (÷ TP) and its runtime
// (profiled activations, CUDA graphs) come first and the cache gets the rest.
import type { ModelDims } from "./model-dims.js";
import type { Bound } from "./types.js";
import { GIB } from "./units.js";

/** Activations of vLLM's profiling run plus CUDA graphs and sampler buffers, per GPU (observed 1–3 GiB for 7B–32B):
 * the estimate's figure, and the smallest seen for the lower bound. */
export const VLLM_RUNTIME_GB: Readonly<Record<Bound, number>> = { upper: 2, lower: 1 };

export function kvBytesPerToken(d: ModelDims): number {
  return 2 * d.layers * d.kv_heads * d.head_dim * 2;
}

/** Per GPU of a tensor-parallel group. */
export function kvBytesPerTokenPerGpu(d: ModelDims, tp: number): number {
  return 2 * d.layers * Math.max(1, d.kv_heads / tp) * d.head_dim * 2;
}

export interface VllmShare {
  weightsBytes: number;
  runtimeBytes: number;
  /** What is left for the cache (≥ 0). */
  kvBytes: number;
  capacityTokens: number;
}

/** One engine of `tp` GPUs with `shareGb` per GPU (utilization × memory). */
export function vllmShare(d: ModelDims, params: number, tp: number, shareGb: number, bound: Bound = "upper"): VllmShare {
  const weightsBytes = (2 * params) / tp;
  const runtimeBytes = VLLM_RUNTIME_GB[bound] * GIB;
  const kvBytes = Math.max(0, shareGb * GIB - weightsBytes - runtimeBytes);
  return { weightsBytes, runtimeBytes, kvBytes, capacityTokens: Math.floor(kvBytes / kvBytesPerTokenPerGpu(d, tp)) };
}
