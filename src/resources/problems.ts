// How a stage's fit reads to the user, with the config path it is about. cannot-fit (the lower bound exceeds the GPU)
// is a pre-flight problem like every other; tight (only the lower bound fits) is a warning with both bounds and the
// cheapest fix, because setups the tools' authors publish as working sit there (README "Resources").
import type { Problem } from "../errors.js";
import type { MemoryBreakdown, StageResources } from "./types.js";

function partsText(m: MemoryBreakdown): string {
  return Object.entries(m.parts)
    .map(([k, v]) => `${k} ${v}`)
    .join(" + ");
}

function fixesText(r: StageResources, count: number): string {
  const fixes = (r.fixes ?? []).slice(0, count);
  if (!fixes.length) return " No single change found that fits: combine offload, smaller batches and more GPUs, or a larger GPU.";
  return ` Cheapest fix${fixes.length > 1 ? "es" : ""}: ${fixes.map((f) => `${f.change} → ${f.total_gb} GB (${f.tradeoff})`).join("; ")}.`;
}

const kvShort = (r: StageResources, tokens: number) => !!r.kv_cache && tokens < r.kv_cache.min_tokens;

const upperText = (r: StageResources) =>
  `${r.per_gpu_gb.total} GB per GPU (${partsText(r.per_gpu_gb)}) against a limit of ${r.limit_gb} GB (${r.gpu_type} with ${r.gpu_memory_gb} GB × headroom ${Math.round((r.limit_gb / r.gpu_memory_gb) * 100) / 100})`;

export function resourceProblems(stage: string, r: StageResources | undefined): Problem[] {
  if (!r || r.fit !== "cannot-fit") return [];
  const kv = r.kv_cache;
  const figure =
    r.lower_gb.total > r.capacity_gb || !kv
      ? `even the lower bound, ${r.lower_gb.total} GB per GPU (${partsText(r.lower_gb)}), exceeds the ${r.capacity_gb} GB it has (upper bound ${upperText(r)})`
      : `even at vLLM's smallest runtime the KV cache left per engine holds ${kv.capacity_tokens_best} tokens, less than one request of ${kv.min_tokens}`;
  return [{ path: "cluster.gpu", message: `stage ${stage} cannot fit on the GPUs: ${figure}.${fixesText(r, Infinity)}` }];
}

/** A tight stage, in one line: both bounds and the cheapest fix. */
export function resourceWarnings(stage: string, r: StageResources | undefined): string[] {
  if (!r || r.fit !== "tight") return [];
  const kv = r.kv_cache;
  const figure =
    kv && r.per_gpu_gb.total <= r.limit_gb && kvShort(r, kv.capacity_tokens)
      ? `the rollout KV cache holds ${kv.capacity_tokens} tokens (${kv.capacity_tokens_best} at vLLM's smallest runtime) for one request of ${kv.min_tokens}`
      : `the upper bound (every sequence at its maximum length) is ${upperText(r)}; the lower bound, ${r.lower_gb.total} GB (${partsText(r.lower_gb)}), fits the ${r.capacity_gb} GB, so the real peak depends on the data`;
  return [`stage ${stage} may not fit on the GPUs: ${figure}.${fixesText(r, 1)}`];
}
