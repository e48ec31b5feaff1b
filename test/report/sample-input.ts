// A realistic report input: long noisy SFT loss, 60 GRPO steps, partial eval scores — as the recipe's stages
// contribute them (their own section builders), so the golden file is what the LLaMA-Factory recipe's report shows.
import type { ReportInput } from "../../src/report/index.js";
import type { GrpoPoint, SftLossPoint } from "../../src/report/types.js";
import type { BenchmarkScores } from "../../src/report/benchmarks.js";
import { sftLossSection } from "../../src/stages/sft/report.js";
import { grpoSections } from "../../src/stages/grpo/report.js";
import { evalScoresSection } from "../../src/stages/eval/report.js";

/** Deterministic pseudo-random numbers so curves (and golden files) do not change between runs. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** What a test may change: the report's own fields, or the stages' data behind the sections. */
export interface SampleOverrides extends Partial<Omit<ReportInput, "sections">> {
  evalScores?: BenchmarkScores;
  scoringVersion?: number;
  sftLoss?: SftLossPoint[];
  grpo?: GrpoPoint[];
}

export function sampleInput(overrides: SampleOverrides = {}, sftPoints = 5000): ReportInput {
  const rand = seeded(7);
  const sftLoss = Array.from({ length: sftPoints }, (_, i) => ({
    step: i + 1,
    loss: 0.45 + 1.1 * Math.exp(-i / 600) + (rand() - 0.5) * 0.12 + (i === 2500 ? 0.6 : 0),
  }));
  const grpo = Array.from({ length: 60 }, (_, i) => ({
    step: i + 1,
    score: 0.42 + 0.3 * (1 - Math.exp(-i / 18)) + (rand() - 0.5) * 0.04,
    responseLength: 820 - 180 * (1 - Math.exp(-i / 25)) + (rand() - 0.5) * 40,
  }));
  const { evalScores, scoringVersion, sftLoss: loss, grpo: curves, ...rest } = overrides;
  return {
    experiment: 'dj-7b <repro> & "test"',
    modelSize: "7b",
    sections: [
      sftLossSection(loss ?? sftLoss),
      ...grpoSections(curves ?? grpo),
      evalScoresSection(evalScores ?? { cflue: 79.1, finqa: 76.25, math500: 75.2 }, scoringVersion ?? 2),
    ],
    meta: {
      gitSha: "0123456789abcdef0123456789abcdef01234567",
      created: "2026-11-24T12:00:00Z",
      configSummary: { "sft.learning_rate": 1e-5, "sft.epochs": 3, "grpo.n": 8, "grpo.temperature": 0.6, note: "<b>not bold</b>" },
    },
    ...rest,
  };
}
