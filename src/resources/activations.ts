// Activation memory of a transformer layer in training, after Korthikanti et al., "Reducing Activation Recomputation
// in Large Transformer Models" (2022), eq. 1 with no tensor parallelism, 16-bit activations:
//   s·b·h·(34 + 5·a·s/h) bytes per layer without recomputation.
// The 5·a·s/h part is the attention score/softmax/dropout matrices; FlashAttention and PyTorch's SDPA kernels (what
// LLaMA-Factory and verl use by default) never store them, so it is counted only for eager attention.
// With full recomputation (gradient checkpointing) only each layer's input is kept, 2·s·b·h bytes, plus the
// activations of the one layer being recomputed.

export interface ActivationInput {
  seq: number;
  microBatch: number;
  hidden: number;
  heads: number;
  layers: number;
  checkpointing: boolean;
  /** true: scores are materialized (eager attention). */
  eagerAttention: boolean;
}

export function layerActivationBytes(a: Pick<ActivationInput, "seq" | "microBatch" | "hidden" | "heads" | "eagerAttention">): number {
  const sbh = a.seq * a.microBatch * a.hidden;
  const scores = a.eagerAttention ? (5 * a.heads * a.seq) / a.hidden : 0;
  return sbh * (34 + scores);
}

export function activationBytes(a: ActivationInput): number {
  const perLayer = layerActivationBytes(a);
  if (!a.checkpointing) return perLayer * a.layers;
  return 2 * a.seq * a.microBatch * a.hidden * a.layers + perLayer;
}

/** The fp32 logits the loss is computed from: sequence × micro batch × vocab × 4 bytes. */
export function logitsBytes(seq: number, microBatch: number, vocab: number): number {
  return seq * microBatch * vocab * 4;
}
