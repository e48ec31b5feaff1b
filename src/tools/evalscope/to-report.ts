// EvalScope scores (fractions) -> the report's percentages, keyed like the paper's columns.
import type { BenchmarkScores } from "../../report/benchmarks.js";
import type { EvalscopeScore } from "./report-read.js";

export function evalscopeScoresToReport(scores: readonly EvalscopeScore[]): BenchmarkScores {
  const out: BenchmarkScores = {};
  for (const s of scores) out[s.benchmark] = s.percent;
  return out;
}
