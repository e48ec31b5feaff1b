// The five benchmarks of the DianJin-R1 evaluation, in the paper's column order.

export const BENCHMARKS = [
  { key: "cflue", label: "CFLUE" },
  { key: "finqa", label: "FinQA" },
  { key: "ccc", label: "CCC" },
  { key: "math500", label: "MATH-500" },
  { key: "gpqa_diamond", label: "GPQA-Diamond" },
] as const;

export type BenchmarkKey = (typeof BENCHMARKS)[number]["key"];

/** Scores are percentages (0-100), as in the paper's table. A missing key means "not evaluated". */
export type BenchmarkScores = Partial<Record<BenchmarkKey, number>>;

/** Mean over the benchmarks that have a score; undefined when none has. */
export function averageOfAvailable(scores: BenchmarkScores): number | undefined {
  const values = BENCHMARKS.map((b) => scores[b.key]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (values.length === 0) return undefined;
  return values.reduce((a, b) => a + b, 0) / values.length;
}
