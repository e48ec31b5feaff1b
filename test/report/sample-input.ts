// A realistic report input: long noisy SFT loss, 60 GRPO steps, partial eval scores.
import type { ReportInput } from "../../src/report/index.js";

/** Deterministic pseudo-random numbers so curves (and golden files) do not change between runs. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function sampleInput(overrides: Partial<ReportInput> = {}, sftPoints = 5000): ReportInput {
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
  return {
    experiment: 'dj-7b <repro> & "test"',
    modelSize: "7b",
    evalScores: { cflue: 79.1, finqa: 76.25, math500: 75.2 },
    scoringVersion: 2,
    sftLoss,
    grpo,
    meta: {
      gitSha: "0123456789abcdef0123456789abcdef01234567",
      created: "2026-11-24T12:00:00Z",
      configSummary: { "sft.learning_rate": 1e-5, "sft.epochs": 3, "grpo.n": 8, "grpo.temperature": 0.6, note: "<b>not bold</b>" },
    },
    ...overrides,
  };
}
