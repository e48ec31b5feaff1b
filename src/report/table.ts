// The paper-style results table as data; HTML and Markdown both render from this.

import { averageOfAvailable, BENCHMARKS, type BenchmarkScores } from "./benchmarks.js";
import { paperDianjinRow, paperRowsForSize } from "./paper-results.js";
import type { ReportInput } from "./types.js";

export interface TableRow {
  label: string;
  kind: "run" | "paper" | "delta";
  scores: BenchmarkScores;
  average: number | undefined;
  /** How many benchmarks the average covers (the paper's rows always cover all five). */
  averagedOver: number;
}

export interface ResultsTable {
  columns: readonly { key: string; label: string }[];
  rows: TableRow[];
  /** The paper model the delta row compares against, when the size has one. */
  reference: string | undefined;
}

export function buildResultsTable(input: ReportInput): ResultsTable {
  const runScores = input.evalScores;
  const runRow: TableRow = {
    label: `${input.experiment} (this run)`,
    kind: "run",
    scores: runScores,
    average: averageOfAvailable(runScores),
    averagedOver: BENCHMARKS.filter((b) => runScores[b.key] !== undefined).length,
  };
  const paperRows: TableRow[] = paperRowsForSize(input.modelSize).map((r) => ({
    label: `${r.model} (paper)`,
    kind: "paper",
    scores: r.scores,
    average: r.average,
    averagedOver: BENCHMARKS.length,
  }));
  const rows = [runRow, ...paperRows];
  const reference = paperDianjinRow(input.modelSize);
  if (reference && runRow.averagedOver > 0) {
    const delta: BenchmarkScores = {};
    for (const b of BENCHMARKS) {
      const v = runScores[b.key];
      if (v !== undefined) delta[b.key] = v - reference.scores[b.key];
    }
    // Compare averages only over the same columns; the paper's five-column average would not be like for like.
    const refOverSame = averageOfAvailable(Object.fromEntries(BENCHMARKS.filter((b) => runScores[b.key] !== undefined).map((b) => [b.key, reference.scores[b.key]])));
    rows.push({
      label: `Δ vs ${reference.model}`,
      kind: "delta",
      scores: delta,
      average: runRow.average !== undefined && refOverSame !== undefined ? runRow.average - refOverSame : undefined,
      averagedOver: runRow.averagedOver,
    });
  }
  return { columns: BENCHMARKS, rows, reference: reference?.model };
}
