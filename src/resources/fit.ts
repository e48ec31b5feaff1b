// Whether a stage fits, from two bounds. The upper bound (every sequence at its maximum length, the largest overhead
// measured) plus headroom is what the estimate is sure fits; the lower bound (what the stage holds whatever its data:
// model states, resident weights, vLLM's fixed share, the smallest overhead measured) is what it cannot do without.
// Only a lower bound over the GPU's memory is a refusal; between the two the plan warns, because the tools' authors
// publish setups that run there (README "Resources").
import type { Bound, Fit } from "./types.js";

/** CUDA context, NCCL buffers and allocator slack that no formula covers: measured runs show 1.5–3 GiB. */
export const FRAMEWORK_OVERHEAD_GB: Readonly<Record<Bound, number>> = { upper: 2.5, lower: 1.5 };

/** `capacityGb`: what the lower bound must stay under (the card, or vLLM's share of it). */
export function fitOf(upperGb: number, limitGb: number, lowerGb: number, capacityGb: number): Fit {
  if (lowerGb > capacityGb) return "cannot-fit";
  return upperGb > limitGb ? "tight" : "fits";
}

/** The worse of two verdicts (memory, and the KV cache). */
export function worse(a: Fit, b: Fit): Fit {
  const order: Fit[] = ["fits", "tight", "cannot-fit"];
  return order[Math.max(order.indexOf(a), order.indexOf(b))]!;
}
