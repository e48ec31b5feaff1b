import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { collectReportInput, modelSize } from "../../src/pipeline/report-input.js";
import { readGrpoCurves } from "../../src/stages/grpo/report.js";
import { experimentSchema } from "../../src/config/schema.js";
import type { ReportInput, SeriesSection } from "../../src/report/index.js";
import { runScores } from "../../src/report/index.js";
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

const series = (input: ReportInput, id: string) => (input.sections.find((s) => s.id === id) as SeriesSection | undefined)?.points;

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
    expect(runScores(input)).toEqual({ cflue: 80.5, finqa: 70, math500: 60.25 });
    // Each stage's sections, in pipeline order: SFT's loss, GRPO's two curves, eval's scores.
    expect(input.sections.map((s) => `${s.kind}:${s.id}`)).toEqual(["series:sft-loss", "series:grpo-score", "series:grpo-response-length", "scores:eval-bars"]);
    expect(series(input, "sft-loss")).toEqual([
      { x: 1, y: 2 },
      { x: 2, y: 1.4 },
      { x: 3, y: 1.2 },
    ]);
    expect(series(input, "grpo-score")).toEqual([
      { x: 1, y: 0.2 },
      { x: 2, y: 0.4 },
    ]);
    expect(series(input, "grpo-response-length")).toEqual([{ x: 1, y: 900 }]);
    expect(input.modelSize).toBe("32b");
    expect(input.meta.gitSha).toBe("abc123 (dirty)");
    expect(sources.grpo).toBe(join(workdir, "grpo/logs/metrics.jsonl"));
  });

  it("with stages.sft.backend trl the loss curve comes from TRL's Trainer lines in the attempts' logs, not trainer_log.jsonl", async () => {
    const workdir = await tempDir();
    await writeFiles(workdir, {
      // A stale LLaMA-Factory log from an earlier config must not be read for a TRL run.
      "sft/output/trainer_log.jsonl": trainerLine(1, 9.9) + "\n",
      // A log dict belongs to the step the tqdm bar showed last (transformers' ProgressCallback).
      "sft/logs/attempt-1.log": " 50%|█████     | 1/2 [00:01<00:01,  1.00it/s]\n{'loss': 2.5, 'grad_norm': 1.5, 'learning_rate': 1e-05, 'epoch': 0.5}\n",
      "sft/logs/attempt-2.log": "100%|██████████| 2/2 [00:02<00:00,  1.00it/s]\n{'loss': 1.7678, 'grad_norm': 1.5, 'learning_rate': 1e-05, 'epoch': 1.0}\n",
    });
    const sft = { backend: "trl", datasets: ["a"], dataset_files: { a: { path: join(workdir, "a.json") } } };
    const config = experimentSchema.parse({ name: "r", workdir, model: { base: "m" }, stages: { sft } });
    const { input, sources } = await collectReportInput(config);
    const points = series(input, "sft-loss")!;
    expect(points).toEqual([
      { x: 1, y: 2.5 },
      { x: 2, y: 1.7678 },
    ]);
    expect(points.map((p) => p.y)).not.toContain(9.9);
    expect(sources.sft).toMatch(/Trainer log lines/);
  });

  it("is lenient: an empty workdir gives an empty report input, not an error", async () => {
    const workdir = await tempDir();
    const config = experimentSchema.parse({ name: "r", workdir, model: { base: "/models/my-model" } });
    const { input, sources } = await collectReportInput(config);
    expect(input).toMatchObject({ modelSize: "unknown", meta: { gitSha: "unknown" } });
    expect(runScores(input)).toEqual({});
    expect(input.sections.flatMap((s) => (s.kind === "series" ? s.points : []))).toEqual([]);
    expect(sources.eval).toMatch(/no scores/);
    expect((await readGrpoCurves(join(workdir, "nope"))).points).toEqual([]);
  });

  it("reads the model size from the model name", () => {
    expect(modelSize("Qwen/Qwen2.5-7B-Instruct")).toBe("7b");
    expect(modelSize("deepseek-r1-distill-qwen-1.5b")).toBe("1.5b");
    expect(modelSize("Qwen2.5")).toBe("unknown");
  });
});
