// The stages' sections as the report's parts read them: the one scores section (if any) behind the results table.
import type { BenchmarkScores } from "./benchmarks.js";
import type { ReportInput, ScoresSection } from "./types.js";

export function scoresSection(input: ReportInput): ScoresSection | undefined {
  return input.sections.find((s): s is ScoresSection => s.kind === "scores");
}

/** This run's scores ({} when no stage contributed any). */
export function runScores(input: ReportInput): BenchmarkScores {
  return scoresSection(input)?.scores ?? {};
}

export function scoringVersionOf(input: ReportInput): number | undefined {
  return scoresSection(input)?.scoringVersion;
}
