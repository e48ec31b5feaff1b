// The report's four charts, shared by the HTML (drawn) and the Markdown (described and linked).

import { BENCHMARKS } from "./benchmarks.js";
import { paperComparison } from "./paper-results.js";
import { renderBarChart } from "./svg/bar-chart.js";
import { renderLineChart } from "./svg/line-chart.js";
import type { ReportInput } from "./types.js";

export interface ChartSpec {
  id: string;
  title: string;
  svg: string;
  /** One-line summary for Markdown and for readers without SVG. */
  summary: string;
}

export const CHART_IDS = { sftLoss: "sft-loss", grpoScore: "grpo-score", grpoLength: "grpo-response-length", evalBars: "eval-bars" } as const;

export function buildCharts(input: ReportInput): ChartSpec[] {
  const sft = input.sftLoss.map((p) => ({ x: p.step, y: p.loss }));
  const score = input.grpo.filter((p) => p.score !== undefined).map((p) => ({ x: p.step, y: p.score! }));
  const length = input.grpo.filter((p) => p.responseLength !== undefined).map((p) => ({ x: p.step, y: p.responseLength! }));
  // Bars beside the paper's DianJin-R1 model of the same size; another size gets the nearest one, labelled so.
  const comparison = paperComparison(input.modelSize);
  const reference = comparison.rows.find((r) => r.kind === "dianjin");
  const nearest = comparison.match === "nearest" ? `nearest size ${comparison.size!.toUpperCase()}` : undefined;
  const referenceName = reference ? `${reference.model} (paper${nearest ? `, ${nearest}` : ""})` : undefined;
  const barSeries = [{ name: "This run", values: BENCHMARKS.map((b) => input.evalScores[b.key]) }];
  if (reference) barSeries.push({ name: referenceName!, values: BENCHMARKS.map((b) => reference.scores[b.key]) });
  const scored = `${BENCHMARKS.filter((b) => input.evalScores[b.key] !== undefined).length} of ${BENCHMARKS.length} benchmarks scored`;
  const against = !reference ? "" : nearest ? `, shown beside ${referenceName} for reference (not the same size)` : `, compared with ${reference.model}`;

  return [
    {
      id: CHART_IDS.sftLoss,
      title: "SFT loss vs step",
      svg: renderLineChart({
        id: CHART_IDS.sftLoss,
        title: "SFT training loss",
        xLabel: "step",
        yLabel: "loss",
        series: [{ name: "loss", points: sft }],
        emptyText: "No SFT loss logged",
      }),
      summary: curveSummary(sft, "loss"),
    },
    {
      id: CHART_IDS.grpoScore,
      title: "GRPO mean score vs step",
      svg: renderLineChart({
        id: CHART_IDS.grpoScore,
        title: "GRPO mean reward",
        xLabel: "step",
        yLabel: "mean score",
        series: [{ name: "score", points: score, color: "#059669" }],
        emptyText: "No GRPO score logged",
      }),
      summary: curveSummary(score, "mean score"),
    },
    {
      id: CHART_IDS.grpoLength,
      title: "GRPO response length vs step",
      svg: renderLineChart({
        id: CHART_IDS.grpoLength,
        title: "GRPO mean response length",
        xLabel: "step",
        yLabel: "tokens",
        series: [{ name: "response length", points: length, color: "#ea580c" }],
        emptyText: "No response length logged",
      }),
      summary: curveSummary(length, "mean length"),
    },
    {
      id: CHART_IDS.evalBars,
      title: "Evaluation scores vs paper",
      svg: renderBarChart({
        id: CHART_IDS.evalBars,
        title: "Evaluation scores (%)",
        categories: BENCHMARKS.map((b) => b.label),
        series: barSeries,
        yLabel: "score (%)",
        yMax: 100,
        emptyText: "No evaluation scores yet",
      }),
      summary: `${scored}${against}`,
    },
  ];
}

function curveSummary(points: readonly { x: number; y: number }[], what: string): string {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (finite.length === 0) return "no data";
  let first = finite[0]!;
  let last = finite[0]!;
  for (const p of finite) {
    if (p.x < first.x) first = p;
    if (p.x >= last.x) last = p;
  }
  return `${finite.length} points, steps ${first.x}–${last.x}, ${what} ${fmt(first.y)} → ${fmt(last.y)}`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4);
}
