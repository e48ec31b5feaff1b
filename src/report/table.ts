// The paper-style results table as data; HTML and Markdown both render from this.

import { averageOfAvailable, BENCHMARKS, type BenchmarkKey, type BenchmarkScores } from "./benchmarks.js";
import { paperComparison, paperDianjinRow, type PaperComparison } from "./paper-results.js";
import type { ReportInput } from "./types.js";
import { runScores } from "./sections.js";

export interface TableRow {
  label: string;
  kind: "run" | "paper" | "delta";
  scores: BenchmarkScores;
  /** Over all five benchmarks; undefined for a run that lacks some (it would not compare like with like). */
  average: number | undefined;
  /** How many benchmarks the run has scores for (the paper's rows always cover all five). */
  averagedOver: number;
  /** Over `ResultsTable.subset` only (present when the run covers some but not all benchmarks). */
  subsetAverage?: number;
}

/** The benchmarks a partial run has: every row is also averaged over these, so averages compare like with like. */
export interface AverageSubset {
  keys: BenchmarkKey[];
  /** e.g. "CFLUE, FinQA, MATH-500" */
  label: string;
}

export interface ResultsTable {
  columns: readonly { key: string; label: string }[];
  rows: TableRow[];
  /** The paper model the delta row compares against, when the size has one. */
  reference: string | undefined;
  subset: AverageSubset | undefined;
  /** Whether the paper rows are of the run's size, of the nearest size, or absent. */
  comparison: Pick<PaperComparison, "match" | "size">;
}

export function buildResultsTable(input: ReportInput): ResultsTable {
  const scores = runScores(input);
  const have = BENCHMARKS.filter((b) => scores[b.key] !== undefined);
  const subset: AverageSubset | undefined =
    have.length > 0 && have.length < BENCHMARKS.length ? { keys: have.map((b) => b.key), label: have.map((b) => b.label).join(", ") } : undefined;
  const overSubset = (scores: BenchmarkScores) => averageOfAvailable(Object.fromEntries(subset!.keys.map((k) => [k, scores[k]])));
  const runAverage = averageOfAvailable(scores);
  const runRow: TableRow = {
    label: `${input.experiment} (this run)`,
    kind: "run",
    scores,
    average: subset ? undefined : runAverage,
    averagedOver: have.length,
    ...(subset ? { subsetAverage: runAverage } : {}),
  };
  const comparison = paperComparison(input.modelSize);
  const tag = comparison.match === "nearest" ? `paper, nearest size ${comparison.size!.toUpperCase()}` : "paper";
  const paperRows: TableRow[] = comparison.rows.map((r) => ({
    label: `${r.model} (${tag})`,
    kind: "paper",
    scores: r.scores,
    average: r.average,
    averagedOver: BENCHMARKS.length,
    ...(subset ? { subsetAverage: overSubset(r.scores) } : {}),
  }));
  const rows = [runRow, ...paperRows];
  const reference = paperDianjinRow(input.modelSize);
  if (reference && runRow.averagedOver > 0) {
    const delta: BenchmarkScores = {};
    for (const b of BENCHMARKS) {
      const v = scores[b.key];
      if (v !== undefined) delta[b.key] = v - reference.scores[b.key];
    }
    // Averages are compared only over the same columns; the paper's five-column average would not be like for like.
    const refOverSame = subset ? overSubset(reference.scores) : reference.average;
    const diff = runAverage !== undefined && refOverSame !== undefined ? runAverage - refOverSame : undefined;
    rows.push({
      label: `Δ vs ${reference.model}`,
      kind: "delta",
      scores: delta,
      average: subset ? undefined : diff,
      averagedOver: runRow.averagedOver,
      ...(subset ? { subsetAverage: diff } : {}),
    });
  }
  return {
    columns: BENCHMARKS,
    rows,
    reference: reference?.model,
    subset,
    comparison: { match: comparison.match, ...(comparison.size ? { size: comparison.size } : {}) },
  };
}
