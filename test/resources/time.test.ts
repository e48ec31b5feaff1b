// Time from FLOPs, by hand.
import { describe, expect, it } from "vitest";
import { resolveGpu } from "../../src/resources/gpus.js";
import { builtinDims } from "../../src/resources/model-dims.js";
import { grpoFlops, hoursFor, trainFlopsPerToken } from "../../src/resources/time.js";

describe("time and cost", () => {
  it("1e18 FLOPs on A100 (312 TFLOP/s) at MFU 0.4 is 8012.8 GPU-seconds = 2.23 GPU-hours; on 8 GPUs 0.28 h", () => {
    const h = hoursFor(1e18, 8, resolveGpu({ hourly_cost: 2 }));
    expect(h.gpu_hours).toBe(2.23);
    expect(h.wall_hours).toBe(0.28);
    expect(h.cost).toBe(4.45);
  });

  it("6 FLOPs per parameter per token plus 12 · layers · heads · head_dim · sequence", () => {
    const d = builtinDims("Qwen/Qwen2.5-7B")!.dims;
    expect(trainFlopsPerToken(1e9, d, 1000)).toBe(6e9 + 12 * 28 * 28 * 128 * 1000);
  });

  it("GRPO: rollout 2 FLOPs/param/token, training 10 (old log-prob, reference, update)", () => {
    expect(grpoFlops(1e9, 10, 100)).toEqual({ rollout: 2e12, training: 1e13 });
  });

  it("a stated GPU key overrides the table; unknown types fall back to A100-80GB's figures", () => {
    expect(resolveGpu({ type: "H100-80GB", memory_gb: 24 })).toMatchObject({ type: "H100-80GB", memory_gb: 24, tflops_bf16: 989, headroom: 0.9, mfu: 0.4 });
    expect(resolveGpu()).toMatchObject({ type: "A100-80GB", memory_gb: 80 });
  });
});
