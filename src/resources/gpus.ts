// The GPU a stage runs on: a built-in table of common training GPUs, overridable key by key from cluster.gpu.
// Capacities are the card's memory in GiB; tflops_bf16 is the dense (no sparsity) bf16 peak from the vendor sheet.

export interface GpuSpec {
  memory_gb: number;
  tflops_bf16: number;
}

export const GPU_TABLE: Readonly<Record<string, GpuSpec>> = {
  "A100-40GB": { memory_gb: 40, tflops_bf16: 312 },
  "A100-80GB": { memory_gb: 80, tflops_bf16: 312 },
  "A800-80GB": { memory_gb: 80, tflops_bf16: 312 },
  "H800-80GB": { memory_gb: 80, tflops_bf16: 989 },
  "H100-80GB": { memory_gb: 80, tflops_bf16: 989 },
  "H20-96GB": { memory_gb: 96, tflops_bf16: 148 },
  "H200-141GB": { memory_gb: 141, tflops_bf16: 989 },
  "L40S-48GB": { memory_gb: 48, tflops_bf16: 362 },
  "RTX4090-24GB": { memory_gb: 24, tflops_bf16: 165 },
  "Ascend910B-64GB": { memory_gb: 64, tflops_bf16: 313 },
};

export const GPU_TYPES = Object.keys(GPU_TABLE) as [string, ...string[]];

export const GPU_DEFAULTS = {
  type: "A100-80GB",
  /** Share of the card an estimate may fill: the rest is for allocator fragmentation and what the estimate misses. */
  headroom: 0.9,
  /** Model FLOPs utilization assumed for training (the share of peak a well-tuned run reaches). */
  mfu: 0.4,
  /** Utilization of rollout generation (decoding is bound by memory bandwidth, far below training). */
  rollout_mfu: 0.1,
} as const;

/** What cluster.gpu says, every key optional. */
export interface GpuInput {
  type?: string;
  memory_gb?: number;
  tflops_bf16?: number;
  hourly_cost?: number;
  headroom?: number;
  mfu?: number;
}

export interface Gpu {
  type: string;
  memory_gb: number;
  tflops_bf16: number;
  headroom: number;
  mfu: number;
  /** Price per GPU-hour, when given. */
  hourly_cost?: number;
}

/** The table entry for `type` (default A100-80GB) with any key the config states taking precedence. */
export function resolveGpu(input: GpuInput = {}): Gpu {
  const type = input.type ?? GPU_DEFAULTS.type;
  const base = GPU_TABLE[type] ?? GPU_TABLE[GPU_DEFAULTS.type]!;
  return {
    type,
    memory_gb: input.memory_gb ?? base.memory_gb,
    tflops_bf16: input.tflops_bf16 ?? base.tflops_bf16,
    headroom: input.headroom ?? GPU_DEFAULTS.headroom,
    mfu: input.mfu ?? GPU_DEFAULTS.mfu,
    ...(input.hourly_cost !== undefined ? { hourly_cost: input.hourly_cost } : {}),
  };
}
