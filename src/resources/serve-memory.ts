// Per-GPU memory of a vLLM server (deploy, and eval's server): bf16 weights ÷ TP, vLLM's runtime, and the KV cache
// one request of max_model_len needs. vLLM takes utilization × memory whatever the need; it refuses to start when
// the cache left cannot hold one max_model_len request, which is the fit checked here. The lower bound takes the
// smallest vLLM runtime measured (1 GiB rather than 2).
import { kvBytesPerTokenPerGpu, vllmShare } from "./kv-cache.js";
import type { ModelDims } from "./model-dims.js";
import type { Bound, KvCache, MemoryBreakdown } from "./types.js";
import { round2, toGb } from "./units.js";

export interface ServeShape {
  dims: ModelDims;
  params: number;
  tp: number;
  utilization: number;
  memoryGb: number;
  maxModelLen: number;
}

export interface ServeMemory {
  perGpu: MemoryBreakdown;
  limitGb: number;
  kv: KvCache;
}

export function serveMemory(s: ServeShape, bound: Bound = "upper"): ServeMemory {
  const limitGb = round2(s.utilization * s.memoryGb);
  const share = vllmShare(s.dims, s.params, s.tp, limitGb, bound);
  const best = bound === "lower" ? share : vllmShare(s.dims, s.params, s.tp, limitGb, "lower");
  const perToken = kvBytesPerTokenPerGpu(s.dims, s.tp);
  const parts = { weights: toGb(share.weightsBytes), vllm_runtime: toGb(share.runtimeBytes), kv_cache_one_request: toGb(perToken * s.maxModelLen) };
  const total = round2(parts.weights + parts.vllm_runtime + parts.kv_cache_one_request);
  return {
    perGpu: { total, parts },
    limitGb,
    kv: { capacity_tokens: share.capacityTokens, capacity_tokens_best: best.capacityTokens, min_tokens: s.maxModelLen, bytes_per_token: perToken * s.tp },
  };
}
