// The published DianJin-R1 results, kept as data so a run can be shown beside them.
//
// Source: DianJin-R1 (arXiv:2504.15716), main results table over CFLUE, FinQA, CCC, MATH-500 and
// GPQA-Diamond, as reproduced in the "DianJin-R1" README of the aliyun/qwen-dianjin repository.
// Values are copied exactly as printed (percent, two decimals), including the published averages;
// they are not recomputed so that a typo here cannot hide behind arithmetic.
// Known inconsistency: DeepSeek-V3's five scores average 69.33, but the table prints 68.33 (kept as printed;
// test/report/paper-results.test.ts pins this so a correction is noticed).

import type { BenchmarkKey } from "./benchmarks.js";

export interface PaperRow {
  model: string;
  /** Parameter-count class used to pick comparison rows; undefined for API / MoE models. */
  size: "7b" | "14b" | "32b" | "72b" | undefined;
  /** The paper's own models versus the baselines it compares against. */
  kind: "dianjin" | "baseline";
  scores: Record<BenchmarkKey, number>;
  /** The average printed in the paper. */
  average: number;
}

function row(model: string, size: PaperRow["size"], kind: PaperRow["kind"], s: [number, number, number, number, number], average: number): PaperRow {
  const [cflue, finqa, ccc, math500, gpqa_diamond] = s;
  return { model, size, kind, scores: { cflue, finqa, ccc, math500, gpqa_diamond }, average };
}

export const PAPER_RESULTS: readonly PaperRow[] = [
  row("GPT-4o", undefined, "baseline", [71.68, 79.16, 50.0, 77.93, 39.56], 63.67),
  row("DeepSeek-V3", undefined, "baseline", [75.14, 81.34, 57.5, 87.2, 45.45], 68.33),
  row("Qwen2.5-7B-Instruct", "7b", "baseline", [69.37, 66.7, 55.0, 71.4, 33.84], 59.26),
  row("Qwen2.5-32B-Instruct", "32b", "baseline", [77.95, 79.51, 56.5, 81.0, 44.95], 67.98),
  row("Qwen2.5-72B-Instruct", "72b", "baseline", [79.46, 77.94, 55.5, 82.2, 39.9], 67.0),
  row("DeepSeek-R1", undefined, "baseline", [86.64, 79.81, 67.5, 94.8, 66.16], 78.98),
  row("DeepSeek-R1-Distill-Qwen-7B", "7b", "baseline", [48.39, 66.09, 41.5, 90.2, 45.96], 58.43),
  row("DeepSeek-R1-Distill-Qwen-14B", "14b", "baseline", [70.83, 76.63, 50.0, 93.2, 54.55], 69.04),
  row("DeepSeek-R1-Distill-Qwen-32B", "32b", "baseline", [78.52, 77.0, 52.0, 95.0, 63.64], 73.23),
  row("QwQ-32B", "32b", "baseline", [83.49, 78.38, 52.0, 95.0, 63.64], 74.5),
  row("DianJin-R1-7B", "7b", "dianjin", [80.32, 77.72, 94.5, 76.6, 37.54], 73.34),
  row("DianJin-R1-32B", "32b", "dianjin", [86.74, 80.82, 96.0, 88.2, 58.59], 82.07),
];

/** Which paper rows a run is shown beside: its own size, else the nearest size the paper has, else none. */
export interface PaperComparison {
  match: "same" | "nearest" | "none";
  /** The paper size the rows are of ("7b"), when there are rows. */
  size?: NonNullable<PaperRow["size"]>;
  /** DianJin-R1 model of that size first, then its baselines. */
  rows: PaperRow[];
}

const PAPER_SIZES = ["7b", "14b", "32b", "72b"] as const;

/**
 * The paper rows to print beside a run of `size` ("7b", "0.5b", "unknown"): the rows of the same size when the paper
 * has any, else those of the nearest size (by ratio of parameter counts: 0.5B and 1.5B → 7B), clearly a different
 * size; an unknown size gets none.
 */
export function paperComparison(size: string): PaperComparison {
  const key = size.toLowerCase();
  const billions = Number(/^(\d+(?:\.\d+)?)b$/.exec(key)?.[1]);
  const same = PAPER_SIZES.find((s) => s === key);
  const nearest =
    same ?? (Number.isFinite(billions) && billions > 0 ? [...PAPER_SIZES].sort((a, b) => distance(a, billions) - distance(b, billions))[0] : undefined);
  if (!nearest) return { match: "none", rows: [] };
  const rows = PAPER_RESULTS.filter((r) => r.size === nearest);
  return { match: same ? "same" : "nearest", size: nearest, rows: [...rows.filter((r) => r.kind === "dianjin"), ...rows.filter((r) => r.kind === "baseline")] };
}

function distance(paperSize: string, billions: number): number {
  return Math.abs(Math.log(parseFloat(paperSize) / billions));
}

/** Rows to print beside a run: those of `paperComparison` (same size, else nearest size, else none). */
export function paperRowsForSize(size: string): PaperRow[] {
  return paperComparison(size).rows;
}

/** The DianJin-R1 row for a size, if the paper has one. */
export function paperDianjinRow(size: string): PaperRow | undefined {
  return PAPER_RESULTS.find((r) => r.kind === "dianjin" && r.size === size.toLowerCase());
}
