// Time and cost from FLOPs: training costs 6 FLOPs per parameter per token (forward 2, backward 4) plus attention,
// 12 · layers · (heads · head_dim) · sequence per token (PaLM, appendix B); the GPUs deliver peak × MFU of it.
import type { ModelDims } from "./model-dims.js";
import type { Gpu } from "./gpus.js";
import { round2 } from "./units.js";

export function trainFlopsPerToken(params: number, dims: ModelDims, seq: number): number {
  return 6 * params + 12 * dims.layers * dims.heads * dims.head_dim * seq;
}

export interface Hours {
  gpu_hours: number;
  wall_hours: number;
  cost?: number;
}

/** FLOPs at `mfu` of the GPUs' bf16 peak → GPU-hours, wall-clock hours on `gpus` GPUs, and cost when priced. */
export function hoursFor(flops: number, gpus: number, gpu: Gpu, mfu = gpu.mfu): Hours {
  const gpuSeconds = flops / (gpu.tflops_bf16 * 1e12 * mfu);
  const gpu_hours = gpuSeconds / 3600;
  return {
    gpu_hours: round2(gpu_hours),
    wall_hours: round2(gpu_hours / gpus),
    ...(gpu.hourly_cost !== undefined ? { cost: round2(gpu_hours * gpu.hourly_cost) } : {}),
  };
}

/** GRPO step: rollout generates (2 FLOPs/param/token, at the rollout utilization); old log-probs and the reference
 * are one forward each (2 + 2) and the update a forward and backward (6). */
export function grpoFlops(params: number, sequences: number, tokensPerSequence: number): { rollout: number; training: number } {
  const tokens = sequences * tokensPerSequence;
  return { rollout: 2 * params * tokens, training: 10 * params * tokens };
}
