// A stage that does not fit, as pre-flight problems: the figures and the cheapest fixes, with the config path each
// is about, so the refusal reads like every other pre-flight failure.
import type { Problem } from "../errors.js";
import type { StageResources } from "./types.js";

function partsText(r: StageResources): string {
  return Object.entries(r.per_gpu_gb.parts)
    .map(([k, v]) => `${k} ${v}`)
    .join(" + ");
}

export function resourceProblems(stage: string, r: StageResources | undefined): Problem[] {
  if (!r || r.fits) return [];
  const kvShort = r.kv_cache && r.kv_cache.capacity_tokens < r.kv_cache.min_tokens;
  const figure = kvShort
    ? `the KV cache left per engine holds ${r.kv_cache!.capacity_tokens} tokens, less than one request of ${r.kv_cache!.min_tokens}`
    : `needs ${r.per_gpu_gb.total} GB per GPU (${partsText(r)}) but the limit is ${r.limit_gb} GB (${r.gpu_type} with ${r.gpu_memory_gb} GB × headroom ${Math.round((r.limit_gb / r.gpu_memory_gb) * 100) / 100})`;
  const fixes = r.fixes?.length
    ? ` Cheapest fixes: ${r.fixes.map((f) => `${f.change} → ${f.total_gb} GB (${f.tradeoff})`).join("; ")}.`
    : " No single change found that fits: combine offload, smaller batches and more GPUs, or a larger GPU.";
  return [{ path: "cluster.gpu", message: `stage ${stage} will not fit on the GPUs: ${figure}.${fixes}` }];
}
