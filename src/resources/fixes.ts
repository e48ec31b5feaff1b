// The cheapest changes that make a stage fit: candidates are listed cheapest first by each stage (a recomputation
// costs ~30% more time, offload costs host RAM and speed, a smaller cutoff drops tokens, more GPUs cost money), each
// re-estimated; only those that fit are kept.
import type { Fix } from "./types.js";

export interface Candidate {
  change: string;
  tradeoff: string;
  /** The per-GPU total with the change, GiB; undefined when it does not apply. */
  total(): number | undefined;
}

export const MAX_FIXES = 4;

export function fittingFixes(candidates: readonly Candidate[], limitGb: number): Fix[] {
  const fixes: Fix[] = [];
  for (const c of candidates) {
    const total = c.total();
    if (total !== undefined && total <= limitGb) fixes.push({ change: c.change, total_gb: total, tradeoff: c.tradeoff });
    if (fixes.length === MAX_FIXES) break;
  }
  return fixes;
}

/** Halvings of `from` down to `min` (from excluded): 8 → [4, 2, 1]. */
export function halvings(from: number, min: number): number[] {
  const out: number[] = [];
  for (let v = Math.floor(from / 2); v >= min; v = Math.floor(v / 2)) out.push(v);
  return out;
}

/** The first of `values` whose estimate fits, as a candidate. */
export function firstFitting<T>(
  values: readonly T[],
  estimate: (v: T) => number,
  limitGb: number,
  describe: (v: T) => { change: string; tradeoff: string },
): Candidate[] {
  for (const v of values) {
    const total = estimate(v);
    if (total <= limitGb) return [{ ...describe(v), total: () => total }];
  }
  return [];
}
