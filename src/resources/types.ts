// What the resource planner says about one GPU stage; serialized as-is into `plan --json` (GiB, hours).
/** How a stage sits against the GPU (src/resources/fit.ts). */
export type Fit = "fits" | "tight" | "cannot-fit";

/** upper: every sequence at its maximum and the largest overhead measured; lower: what no data makes smaller. */
export type Bound = "upper" | "lower";

export interface MemoryBreakdown {
  /** Per GPU, GiB. */
  total: number;
  /** Per GPU, GiB, summing to total. */
  parts: Record<string, number>;
}

/** A change that would make the stage fit, with the total it gives. */
export interface Fix {
  /** The dotted config key and its new value, e.g. `stages.sft.deepspeed: zero3_offload`. */
  change: string;
  total_gb: number;
  /** What it costs (slower steps, fewer tokens, more GPUs...). */
  tradeoff: string;
}

export interface KvCache {
  /** Tokens the KV cache of one engine (one tensor-parallel group) holds. */
  capacity_tokens: number;
  /** The same with vLLM's smallest runtime measured: below min_tokens even then, vLLM cannot start. */
  capacity_tokens_best: number;
  /** Tokens one engine must hold for the longest request (max_model_len, or prompt + response). */
  min_tokens: number;
  /** Tokens one engine is asked for at once (GRPO: rollout.n × batch × (prompt + response) ÷ engines). */
  wanted_tokens?: number;
  bytes_per_token: number;
}

export interface StageResources {
  gpus: number;
  gpu_type: string;
  gpu_memory_gb: number;
  /** headroom × memory (or the vLLM share for a server): what `total` must stay under. */
  limit_gb: number;
  /** What the lower bound must stay under: the card's memory, or vLLM's share of it for a server. */
  capacity_gb: number;
  /** The upper bound, per GPU. */
  per_gpu_gb: MemoryBreakdown;
  /** The lower bound, per GPU: over the GPU's memory (or vLLM's share) the stage cannot fit and is refused. */
  lower_gb: MemoryBreakdown;
  /** Per node, for CPU offload. */
  host_ram_gb?: number;
  /** fits: the upper bound is under the limit; tight: only the lower bound fits (warned); cannot-fit: refused. */
  fit: Fit;
  model: { params: number; source: string };
  kv_cache?: KvCache;
  /** Training tokens per epoch and where the count came from. */
  tokens?: { per_epoch: number; source: string };
  gpu_hours: number | null;
  wall_hours: number | null;
  cost?: number;
  /** Assumptions and what is unknown, in words. */
  notes: string[];
  /** When tight or cannot-fit: the changes that bring the upper bound under the limit, cheapest first. */
  fixes?: Fix[];
}
