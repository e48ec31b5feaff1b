// Parameter counts: the built-in table and config.json both go through the merge verifier's Qwen2 count. Expected
// values are the safetensors totals of the released checkpoints (total_size ÷ 2 bytes), worked out by hand below.
import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinDims, dimsFromConfig, largestLayerParams, paramCount, resolveModel } from "../../src/resources/model-dims.js";
import { qwen2ParamCount } from "../../src/tools/merge/qwen2-params.js";

// Qwen2.5-7B-Instruct's config.json (the keys that matter).
const QWEN25_7B = {
  architectures: ["Qwen2ForCausalLM"],
  model_type: "qwen2",
  hidden_size: 3584,
  intermediate_size: 18944,
  num_hidden_layers: 28,
  num_attention_heads: 28,
  num_key_value_heads: 4,
  vocab_size: 152064,
  tie_word_embeddings: false,
};

describe("model dimensions", () => {
  it("Qwen2.5-7B: 7,615,616,512 parameters (embed 2 × 152064·3584 + 28 × 233,057,792 + norm 3584)", () => {
    const dims = builtinDims("Qwen/Qwen2.5-7B-Instruct")!.dims;
    expect(paramCount(dims)).toBe(7_615_616_512);
    expect(dims).toEqual(dimsFromConfig(QWEN25_7B));
    // The merge verifier counts the same from the same config.json.
    expect(qwen2ParamCount(QWEN25_7B)).toBe(7_615_616_512);
  });

  it("Qwen2.5-32B: 32,763,876,352 parameters", () => {
    expect(paramCount(builtinDims("qwen2.5-32b")!.dims)).toBe(32_763_876_352);
  });

  it("Qwen3-8B (head_dim 128, q/k norms, no qkv bias): 8,190,735,360 parameters", () => {
    expect(paramCount(builtinDims("Qwen/Qwen3-8B")!.dims)).toBe(8_190_735_360);
  });

  it("tied embeddings count once (Qwen2.5-0.5B: 494,032,768)", () => {
    expect(paramCount(builtinDims("Qwen/Qwen2.5-0.5B-Instruct")!.dims)).toBe(494_032_768);
  });

  it("knows no fine-tune or other family by hub id", () => {
    expect(builtinDims("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")).toBeUndefined();
    expect(builtinDims("Qwen/Qwen2.5-Math-7B")).toBeUndefined();
    expect(builtinDims("Qwen/Qwen2.5-9B")).toBeUndefined();
  });

  it("DeepSpeed's largest layer is the embedding for Qwen", () => {
    expect(largestLayerParams(builtinDims("Qwen/Qwen2.5-7B")!.dims)).toBe(152064 * 3584);
  });

  it("reads a local folder's config.json first, and falls back to the next candidate", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dims-"));
    await writeFile(join(dir, "config.json"), JSON.stringify(QWEN25_7B));
    expect(await resolveModel([dir])).toMatchObject({ params: 7_615_616_512, source: join(dir, "config.json") });
    expect(await resolveModel([join(dir, "missing"), "Qwen/Qwen2.5-7B-Instruct"])).toMatchObject({ source: "built-in table (Qwen2.5-7B-Instruct)" });
    expect(await resolveModel(["org/unknown-model"])).toBeUndefined();
  });
});
