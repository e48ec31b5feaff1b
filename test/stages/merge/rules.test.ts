// merge learns whether there is a GRPO stage to merge from through GRPO's output handle, not its config block.
import { describe, expect, it } from "vitest";
import type { ExperimentBase } from "../../../src/contract/experiment.js";
import { mergeStage } from "../../../src/stages/merge/index.js";

const experiment = (stages: Record<string, unknown>) => ({ stages }) as unknown as ExperimentBase;

describe("merge's config rule", () => {
  it("asks where the checkpoints are when the experiment has no grpo stage", () => {
    expect(mergeStage.rules(experiment({ merge: {} })).map((p) => p.path)).toEqual(["stages.merge.checkpoint_dir"]);
  });

  it("is satisfied by a grpo stage, or by a stated checkpoint_dir", () => {
    expect(mergeStage.rules(experiment({ merge: {}, grpo: {} }))).toEqual([]);
    expect(mergeStage.rules(experiment({ merge: { checkpoint_dir: "/ckpt" } }))).toEqual([]);
  });
});
