import { describe, expect, it } from "vitest";
import { serveConfigProblems } from "../../../src/tools/vllm/index.js";
import { TINY_QWEN2_DIR } from "../../fixtures/merge/make-checkpoint.js";

describe("serveConfigProblems (tiny Qwen2: 4 heads, 2 KV heads, 2048 positions)", () => {
  it("accepts a fitting plan", async () => {
    expect(await serveConfigProblems({ configKey: "deploy.vllm", model: TINY_QWEN2_DIR, tensorParallelSize: 2, maxModelLen: 2048 })).toEqual([]);
    expect(await serveConfigProblems({ configKey: "deploy.vllm", model: TINY_QWEN2_DIR, tensorParallelSize: 4 })).toEqual([]);
  });

  it("rejects a TP that does not divide the heads and a length over the model limit", async () => {
    const problems = await serveConfigProblems({ configKey: "deploy.vllm", model: TINY_QWEN2_DIR, tensorParallelSize: 3, maxModelLen: 4096 });
    expect(problems.map((p) => p.path)).toEqual(["deploy.vllm.tensor_parallel_size", "deploy.vllm.tensor_parallel_size", "deploy.vllm.max_model_len"]);
    expect(problems[0]!.message).toContain("4 attention heads");
  });

  it("reports a folder without config.json", async () => {
    expect((await serveConfigProblems({ configKey: "deploy.vllm", model: "/nonexistent" }))[0]!.message).toContain("config.json");
  });
});
