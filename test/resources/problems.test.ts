// A stage that does not fit becomes a pre-flight problem with the figures and the fixes; fixes are only those that fit.
import { describe, expect, it } from "vitest";
import { fittingFixes, halvings } from "../../src/resources/fixes.js";
import { resourceProblems } from "../../src/resources/problems.js";
import type { StageResources } from "../../src/resources/types.js";

const base: StageResources = {
  gpus: 8,
  gpu_type: "A100-80GB",
  gpu_memory_gb: 24,
  limit_gb: 21.6,
  per_gpu_gb: { total: 30, parts: { model_states: 20, logits: 10 } },
  fits: false,
  model: { params: 7e9, source: "x" },
  gpu_hours: null,
  wall_hours: null,
  notes: [],
  fixes: [{ change: "stages.sft.deepspeed: zero3_offload", total_gb: 12, tradeoff: "slower" }],
};

describe("resource problems", () => {
  it("names the figures and the fixes under cluster.gpu", () => {
    const [p] = resourceProblems("sft", base);
    expect(p!.path).toBe("cluster.gpu");
    expect(p!.message).toContain("needs 30 GB per GPU (model_states 20 + logits 10)");
    expect(p!.message).toContain("the limit is 21.6 GB (A100-80GB with 24 GB × headroom 0.9)");
    expect(p!.message).toContain("stages.sft.deepspeed: zero3_offload → 12 GB");
  });

  it("says nothing when it fits", () => {
    expect(resourceProblems("sft", { ...base, fits: true })).toEqual([]);
    expect(resourceProblems("sft", undefined)).toEqual([]);
  });

  it("keeps only candidates that fit, in the order given", () => {
    const fixes = fittingFixes(
      [
        { change: "a", tradeoff: "", total: () => 25 },
        { change: "b", tradeoff: "", total: () => 20 },
        { change: "c", tradeoff: "", total: () => undefined },
        { change: "d", tradeoff: "", total: () => 10 },
      ],
      21.6,
    );
    expect(fixes.map((f) => f.change)).toEqual(["b", "d"]);
    expect(halvings(8, 1)).toEqual([4, 2, 1]);
    expect(halvings(16384, 512)).toEqual([8192, 4096, 2048, 1024, 512]);
  });
});
