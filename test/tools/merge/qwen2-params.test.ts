import { describe, expect, it } from "vitest";
import { qwen2ParamCount, qwen2Tensors } from "../../../src/tools/merge/index.js";

const QWEN25_7B = {
  hidden_size: 3584,
  intermediate_size: 18944,
  num_hidden_layers: 28,
  num_attention_heads: 28,
  num_key_value_heads: 4,
  vocab_size: 152064,
  tie_word_embeddings: false,
};

describe("Qwen2 parameter count", () => {
  it("matches the published Qwen2.5-7B count", () => {
    expect(qwen2ParamCount(QWEN25_7B)).toBe(7_615_616_512);
  });

  it("matches the published Qwen2.5-32B count (used by the benchmark)", () => {
    const c = { hidden_size: 5120, intermediate_size: 27648, num_hidden_layers: 64, num_attention_heads: 40, num_key_value_heads: 8, vocab_size: 152064 };
    expect(qwen2ParamCount(c)).toBe(32_763_876_352);
  });

  it("counts a tied lm_head once", () => {
    const tied = qwen2ParamCount({ ...QWEN25_7B, tie_word_embeddings: true });
    expect(QWEN25_7B.vocab_size * QWEN25_7B.hidden_size + tied).toBe(7_615_616_512);
  });

  it("sizes k/v projections by the KV heads (GQA)", () => {
    const byName = new Map(qwen2Tensors(QWEN25_7B).map((t) => [t.name, t.shape]));
    expect(byName.get("model.layers.0.self_attn.k_proj.weight")).toEqual([512, 3584]);
    expect(byName.get("model.layers.0.self_attn.q_proj.bias")).toEqual([3584]);
    expect(byName.has("model.layers.0.self_attn.o_proj.bias")).toBe(false);
    expect(byName.has("model.layers.27.mlp.down_proj.weight")).toBe(true);
    expect(qwen2Tensors(QWEN25_7B)).toHaveLength(1 + 28 * 12 + 2);
  });
});
