// A stage's fit as the user reads it: cannot-fit is a pre-flight problem naming the lower bound and the fixes; tight
// is a warning with both bounds and the cheapest fix; fixes are only those that fit.
import { describe, expect, it } from "vitest";
import { fittingFixes, halvings } from "../../src/resources/fixes.js";
import { fitOf, worse } from "../../src/resources/fit.js";
import { resourceProblems, resourceWarnings } from "../../src/resources/problems.js";
import type { StageResources } from "../../src/resources/types.js";

const base: StageResources = {
  gpus: 8,
  gpu_type: "A100-80GB",
  gpu_memory_gb: 24,
  capacity_gb: 24,
  limit_gb: 21.6,
  per_gpu_gb: { total: 30, parts: { model_states: 20, logits: 10 } },
  lower_gb: { total: 25, parts: { model_states: 20, framework: 5 } },
  fit: "cannot-fit",
  model: { params: 7e9, source: "x" },
  gpu_hours: null,
  wall_hours: null,
  notes: [],
  fixes: [
    { change: "stages.sft.deepspeed: zero3_offload", total_gb: 12, tradeoff: "slower" },
    { change: "cluster.nodes: 2", total_gb: 15, tradeoff: "16 GPUs" },
  ],
};

describe("resource problems and warnings", () => {
  it("cannot-fit: names the lower bound against the GPU, the upper bound, and every fix, under cluster.gpu", () => {
    const [p] = resourceProblems("sft", base);
    expect(p!.path).toBe("cluster.gpu");
    expect(p!.message).toContain("stage sft cannot fit on the GPUs: even the lower bound, 25 GB per GPU (model_states 20 + framework 5), exceeds the 24 GB");
    expect(p!.message).toContain("30 GB per GPU (model_states 20 + logits 10) against a limit of 21.6 GB (A100-80GB with 24 GB × headroom 0.9)");
    expect(p!.message).toContain("Cheapest fixes: stages.sft.deepspeed: zero3_offload → 12 GB (slower); cluster.nodes: 2 → 15 GB");
    expect(resourceWarnings("sft", base)).toEqual([]);
  });

  it("tight: a warning with both bounds and only the cheapest fix; no problem", () => {
    const tight = { ...base, fit: "tight" as const, lower_gb: { total: 22, parts: { model_states: 20, framework: 2 } } };
    expect(resourceProblems("sft", tight)).toEqual([]);
    const [w] = resourceWarnings("sft", tight);
    expect(w).toContain("stage sft may not fit on the GPUs: the upper bound (every sequence at its maximum length) is 30 GB per GPU");
    expect(w).toContain("the lower bound, 22 GB (model_states 20 + framework 2), fits the 24 GB");
    expect(w).toContain("Cheapest fix: stages.sft.deepspeed: zero3_offload → 12 GB (slower).");
    expect(w).not.toContain("cluster.nodes");
  });

  it("says nothing when it fits", () => {
    expect(resourceProblems("sft", { ...base, fit: "fits" })).toEqual([]);
    expect(resourceWarnings("sft", { ...base, fit: "fits" })).toEqual([]);
    expect(resourceProblems("sft", undefined)).toEqual([]);
  });

  it("the verdict: refused only above the capacity, warned between the limit and the capacity", () => {
    expect(fitOf(70, 72, 60, 80)).toBe("fits");
    expect(fitOf(78.36, 72, 58.2, 80)).toBe("tight");
    expect(fitOf(120, 72, 81, 80)).toBe("cannot-fit");
    expect(worse("fits", "tight")).toBe("tight");
    expect(worse("cannot-fit", "tight")).toBe("cannot-fit");
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
