import { describe, expect, it } from "vitest";
import { selectStages } from "../../src/pipeline/plan.js";
import { UsageError } from "../../src/errors.js";

const enabled = ["sft", "grpo", "merge", "deploy"] as const;

describe("selectStages", () => {
  it("--from and --until cut the enabled stages in pipeline order", () => {
    expect([...selectStages([...enabled], { from: "grpo" })]).toEqual(["grpo", "merge", "deploy"]);
    expect([...selectStages([...enabled], { until: "grpo" })]).toEqual(["sft", "grpo"]);
    expect([...selectStages([...enabled], { from: "grpo", until: "merge" })]).toEqual(["grpo", "merge"]);
  });

  it("--only picks exactly the named stages", () => {
    expect([...selectStages([...enabled], { only: ["merge", "sft"] })].sort()).toEqual(["merge", "sft"]);
  });

  it("names the stages when one is unknown or not in the experiment", () => {
    expect(() => selectStages([...enabled], { from: "sfft" })).toThrow(UsageError);
    expect(() => selectStages([...enabled], { only: ["eval"] })).toThrow(/not in this experiment \(its stages: sft, grpo, merge, deploy\)/);
    expect(() => selectStages([...enabled], { force: ["bogus"] })).toThrow(/unknown stage "bogus"/);
  });
});
