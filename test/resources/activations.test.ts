// Korthikanti et al. (2022), eq. 1: s·b·h·(34 + 5·a·s/h) bytes per layer; full recomputation keeps 2·s·b·h per layer.
import { describe, expect, it } from "vitest";
import { activationBytes, layerActivationBytes, logitsBytes } from "../../src/resources/activations.js";

// A GPT-3-like layer: s = 2048, b = 1, h = 4096, a = 32, 32 layers. s·b·h = 8,388,608; 5·a·s/h = 80.
const shape = { seq: 2048, microBatch: 1, hidden: 4096, heads: 32, layers: 32 };

describe("activation memory", () => {
  it("eager attention, no recomputation: 114 · s·b·h per layer", () => {
    expect(layerActivationBytes({ ...shape, eagerAttention: true })).toBe(956_301_312);
    expect(activationBytes({ ...shape, checkpointing: false, eagerAttention: true })).toBe(30_601_641_984);
  });

  it("flash attention drops the 5·a·s/h score term: 34 · s·b·h per layer", () => {
    expect(activationBytes({ ...shape, checkpointing: false, eagerAttention: false })).toBe(9_126_805_504);
  });

  it("full recomputation: layer inputs (2·s·b·h × layers) plus one layer being recomputed", () => {
    expect(activationBytes({ ...shape, checkpointing: true, eagerAttention: false })).toBe(536_870_912 + 285_212_672);
  });

  it("scales linearly with the micro batch", () => {
    const one = activationBytes({ ...shape, checkpointing: true, eagerAttention: false });
    expect(activationBytes({ ...shape, microBatch: 4, checkpointing: true, eagerAttention: false })).toBe(4 * one);
  });

  it("the logits of 16,384 tokens over Qwen's 152,064 vocabulary are 10 GB in fp32", () => {
    expect(logitsBytes(16384, 1, 152064)).toBe(9_965_666_304);
  });
});
