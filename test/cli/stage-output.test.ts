// The main output `run` and `status` name under a stage: what each stage recorded through its output handle, shown
// only while it is there to use.
import { describe, expect, it } from "vitest";
import { STAGES_WITH_OUTPUT, stageOutput, stageOutputLine } from "../../src/cli/stage-output.js";
import { STAGE_ORDER } from "../../src/stages/registry.js";

describe("a stage's main output", () => {
  it("every stage of the registry has one", () => {
    expect([...STAGES_WITH_OUTPUT].sort()).toEqual([...STAGE_ORDER].sort());
  });

  it("names the model, checkpoints, merged model, scores and SFT data of a stage that completed or is up to date", () => {
    expect(stageOutputLine("sft", "completed", { model: "/w/sft/output" })).toBe("model /w/sft/output");
    expect(stageOutputLine("sft", "skipped", { model: "/w/sft/output" })).toBe("model /w/sft/output");
    expect(stageOutputLine("grpo", "completed", { checkpoints: "/w/grpo/output" })).toBe("checkpoints /w/grpo/output");
    expect(stageOutputLine("merge", "completed", { model: "/w/merge/output" })).toBe("merged model /w/merge/output");
    expect(stageOutputLine("eval", "completed", { scores: "/w/eval/output/scores.json", results: "/w/eval/output" })).toBe("scores /w/eval/output/scores.json");
    expect(stageOutputLine("data", "completed", { sft_dir: "/w/data/output/sft", rl_parquet: "/w/data/output/rl/train.parquet" })).toBe(
      "SFT data /w/data/output/sft (RL data /w/data/output/rl/train.parquet)",
    );
  });

  it("a server's address only while it serves; nothing for a stage that failed, runs or has recorded nothing", () => {
    const endpoint = { baseUrl: "http://h:1", baseUrls: "http://h:1,http://h:2", model: "m" };
    expect(stageOutput("deploy", "serving", endpoint)).toEqual({ what: "serving at", where: "http://h:1,http://h:2", note: "model m" });
    expect(stageOutputLine("deploy", "stopped", endpoint)).toBeUndefined();
    expect(stageOutputLine("deploy", "completed", {})).toBeUndefined();
    expect(stageOutputLine("sft", "failed", { model: "/w/sft/output" })).toBeUndefined();
    expect(stageOutputLine("sft", "running", { model: "/w/sft/output" })).toBeUndefined();
    expect(stageOutputLine("sft", "completed", undefined)).toBeUndefined();
  });
});
