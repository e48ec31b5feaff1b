import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { collectReportInput, modelSize } from "../../src/pipeline/report-input.js";
import { readGrpoCurves } from "../../src/stages/grpo/report.js";
import { experimentSchema } from "../../src/config/schema.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

function trainerLine(step: number, loss: number): string {
  return JSON.stringify({
    current_steps: step,
    total_steps: 4,
    loss,
    lr: 1e-5,
    epoch: step / 4,
    percentage: step * 25,
    elapsed_time: "0:00:01",
    remaining_time: "0:00:03",
  });
}

describe("report input", () => {
  it("reads scores, the SFT loss (a replayed step replaces the earlier one), GRPO curves and the git sha", async () => {
    const workdir = await tempDir();
    await writeFiles(workdir, {
      "eval/output/scores.json": JSON.stringify({ cflue: 80.5, finqa: 70, math500: 60.25, unknown_bench: 3 }),
      "sft/output/trainer_log.jsonl": [trainerLine(1, 2.0), trainerLine(2, 1.5), trainerLine(2, 1.4), trainerLine(3, 1.2)].join("\n") + "\n",
      "grpo/output/global_step_10/ignored.jsonl": JSON.stringify({ step: 99, data: { "critic/score/mean": 1 } }) + "\n",
      "grpo/logs/metrics.jsonl":
        [
          "not json",
          JSON.stringify({ step: 1, data: { "critic/score/mean": 0.2, "response_length/mean": 900 } }),
          JSON.stringify({ step: 2, data: { "critic/score/mean": 0.4 } }),
        ].join("\n") + "\n",
      "manifest.json": JSON.stringify({ git: { sha: "abc123", dirty: true }, writtenAt: "2026-01-01T00:00:00Z" }),
    });
    const config = experimentSchema.parse({ name: "r", workdir, model: { base: "Qwen/Qwen2.5-32B-Instruct" } });
    const { input, sources } = await collectReportInput(config);
    expect(input.evalScores).toEqual({ cflue: 80.5, finqa: 70, math500: 60.25 });
    expect(input.sftLoss).toEqual([
      { step: 1, loss: 2 },
      { step: 2, loss: 1.4 },
      { step: 3, loss: 1.2 },
    ]);
    expect(input.grpo).toEqual([
      { step: 1, score: 0.2, responseLength: 900 },
      { step: 2, score: 0.4 },
    ]);
    expect(input.modelSize).toBe("32b");
    expect(input.meta.gitSha).toBe("abc123 (dirty)");
    expect(sources.grpo).toBe(join(workdir, "grpo/logs/metrics.jsonl"));
  });

  it("is lenient: an empty workdir gives an empty report input, not an error", async () => {
    const workdir = await tempDir();
    const config = experimentSchema.parse({ name: "r", workdir, model: { base: "/models/my-model" } });
    const { input, sources } = await collectReportInput(config);
    expect(input).toMatchObject({ evalScores: {}, sftLoss: [], grpo: [], modelSize: "unknown", meta: { gitSha: "unknown" } });
    expect(sources.eval).toMatch(/no scores/);
    expect((await readGrpoCurves(join(workdir, "nope"))).points).toEqual([]);
  });

  it("reads the model size from the model name", () => {
    expect(modelSize("Qwen/Qwen2.5-7B-Instruct")).toBe("7b");
    expect(modelSize("deepseek-r1-distill-qwen-1.5b")).toBe("1.5b");
    expect(modelSize("Qwen2.5")).toBe("unknown");
  });
});
