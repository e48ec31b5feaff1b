// vLLM's KV-cache arithmetic by hand: 2 (K and V) × layers × KV heads × head_dim × 2 bytes per token.
import { describe, expect, it } from "vitest";
import { builtinDims, paramCount } from "../../src/resources/model-dims.js";
import { kvBytesPerToken, kvBytesPerTokenPerGpu, vllmShare } from "../../src/resources/kv-cache.js";
import { serveMemory } from "../../src/resources/serve-memory.js";

const dims7b = builtinDims("Qwen/Qwen2.5-7B-Instruct")!.dims;
const params7b = paramCount(dims7b);

describe("KV cache", () => {
  it("Qwen2.5-7B: 2 × 28 × 4 × 128 × 2 = 57,344 bytes (56 KiB) per token; TP 4 splits the 4 KV heads", () => {
    expect(kvBytesPerToken(dims7b)).toBe(57_344);
    expect(kvBytesPerTokenPerGpu(dims7b, 4)).toBe(14_336);
    // TP 8 > 4 KV heads: vLLM replicates a head per GPU, the per-GPU cost stays at one head.
    expect(kvBytesPerTokenPerGpu(dims7b, 8)).toBe(14_336);
  });

  it("capacity = (0.9 × 80 GiB − 2 × 7,615,616,512 B of weights − 2 GiB runtime) ÷ 57,344 = 1,045,108 tokens", () => {
    // 77,309,411,328 − 15,231,233,024 − 2,147,483,648 = 59,930,694,656; ÷ 57,344 = 1,045,108.4
    expect(vllmShare(dims7b, params7b, 1, 72).capacityTokens).toBe(1_045_108);
  });

  it("a server refuses to fit when the cache left cannot hold one max_model_len request", () => {
    const ok = serveMemory({ dims: dims7b, params: params7b, tp: 1, utilization: 0.9, memoryGb: 24, maxModelLen: 32768 });
    expect(ok.perGpu.total).toBeLessThanOrEqual(ok.limitGb);
    // 24 GB × 0.6 = 14.4 GB: the 14.18 GB of weights and 2 GB runtime leave nothing.
    const tight = serveMemory({ dims: dims7b, params: params7b, tp: 1, utilization: 0.6, memoryGb: 24, maxModelLen: 32768 });
    expect(tight.kv.capacity_tokens).toBe(0);
    expect(tight.perGpu.total).toBeGreaterThan(tight.limitGb);
  });
});

describe("deploy estimate", () => {
  it("a 32B server on one 24 GB GPU does not fit; larger tensor parallelism is the fix", async () => {
    const { experimentSchema } = await import("../../src/config/schema.js");
    const { estimateServe } = await import("../../src/stages/deploy/resources.js");
    const { resolveModel } = await import("../../src/resources/model-dims.js");
    const config = experimentSchema.parse({
      name: "x",
      workdir: "w",
      model: { base: "Qwen/Qwen2.5-32B-Instruct" },
      cluster: { gpus_per_node: 8, gpu: { type: "RTX4090-24GB" } },
      stages: { deploy: { max_model_len: 8192 } },
    });
    const r = estimateServe(config, config.stages.deploy!, (await resolveModel(["Qwen/Qwen2.5-32B-Instruct"]))!);
    // 2 × 32,763,876,352 B = 61.03 GiB of weights on one GPU, against 0.9 × 24 = 21.6.
    expect(r.per_gpu_gb.parts.weights).toBeCloseTo(61.03, 2);
    expect(r.fit).toBe("cannot-fit");
    expect(r.fixes![0]!.change).toBe("stages.deploy.tensor_parallel_size: 4");
  });
});
