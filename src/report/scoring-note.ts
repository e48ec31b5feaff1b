// What the report says about where its numbers come from: which scoring rules produced each of this run's scores, and
// which paper rows it is shown beside (same size, nearest size, or none).
import type { BenchmarkKey } from "./benchmarks.js";
import type { ResultsTable } from "./table.js";

/** The id of the report's scoring note; every score cell of this run links to it. */
export const SCORING_ANCHOR = "scoring";

const EVALSCOPE: readonly BenchmarkKey[] = ["math500", "gpqa_diamond"];

/** The label of the rules behind a score of this run: "v2" (our scorers' version) or "EvalScope". */
export function scoreRuleLabel(key: BenchmarkKey, scoringVersion: number | undefined): string | undefined {
  if (EVALSCOPE.includes(key)) return "EvalScope";
  return scoringVersion === undefined ? undefined : `v${scoringVersion}`;
}

/** The scoring note's sentences. */
export function scoringNote(scoringVersion: number | undefined): string {
  const ours =
    scoringVersion === undefined
      ? "CFLUE, FinQA and CCC have no score yet."
      : `CFLUE, FinQA and CCC scores marked v${scoringVersion} come from dianjin-train's scoring rules version ${scoringVersion} (scoring_version in scores.json; each rule is listed in the README, "Scoring rules"); \`dianjin-train rescore <config>\` re-scores saved answers with the current rules.`;
  return `${ours} MATH-500 and GPQA-Diamond scores marked EvalScope are EvalScope's own.`;
}

/** Which paper rows the table shows and why. */
export function comparisonNote(table: ResultsTable, modelSize: string): string {
  const { match, size } = table.comparison;
  if (match === "same") return `Paper rows: the paper's ${size!.toUpperCase()} models.`;
  if (match === "nearest")
    return `Paper rows: the paper has no ${modelSize.toUpperCase()} model; its rows of the nearest size (${size!.toUpperCase()}) are shown for reference only, with no Δ row.`;
  return "Paper rows: none (the model size is unknown).";
}
