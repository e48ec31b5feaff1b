// The report's charts, one per section: a line chart per curve, a bar chart of the scores against the paper. Shared
// by the HTML (drawn) and the Markdown (described and linked).

import { BENCHMARKS } from "./benchmarks.js";
import { paperComparison } from "./paper-results.js";
import { renderBarChart } from "./svg/bar-chart.js";
import { renderLineChart } from "./svg/line-chart.js";
import type { ReportInput, ScoresSection, SeriesSection } from "./types.js";

export interface ChartSpec {
  id: string;
  /** What the section is: the HTML puts the scores' chart first. */
  kind: "series" | "scores";
  title: string;
  svg: string;
  /** One-line summary for Markdown and for readers without SVG. */
  summary: string;
}

/** The charts in section order. */
export function buildCharts(input: ReportInput): ChartSpec[] {
  return input.sections.map((s) => (s.kind === "series" ? seriesChart(s) : scoresChart(s, input.modelSize)));
}

function seriesChart(s: SeriesSection): ChartSpec {
  const points = s.points.map((p) => ({ x: p.x, y: p.y }));
  return {
    id: s.id,
    kind: "series",
    title: s.title,
    svg: renderLineChart({
      id: s.id,
      title: s.chartTitle ?? s.title,
      xLabel: s.xLabel,
      yLabel: s.yLabel,
      series: [{ name: s.name, points, ...(s.color ? { color: s.color } : {}) }],
      emptyText: s.emptyText,
    }),
    summary: curveSummary(points, s.measure),
  };
}

// Bars beside the paper's DianJin-R1 model of the same size; another size gets the nearest one, labelled so.
function scoresChart(s: ScoresSection, modelSize: string): ChartSpec {
  const comparison = paperComparison(modelSize);
  const reference = comparison.rows.find((r) => r.kind === "dianjin");
  const nearest = comparison.match === "nearest" ? `nearest size ${comparison.size!.toUpperCase()}` : undefined;
  const referenceName = reference ? `${reference.model} (paper${nearest ? `, ${nearest}` : ""})` : undefined;
  const barSeries = [{ name: "This run", values: BENCHMARKS.map((b) => s.scores[b.key]) }];
  if (reference) barSeries.push({ name: referenceName!, values: BENCHMARKS.map((b) => reference.scores[b.key]) });
  const scored = `${BENCHMARKS.filter((b) => s.scores[b.key] !== undefined).length} of ${BENCHMARKS.length} benchmarks scored`;
  const against = !reference ? "" : nearest ? `, shown beside ${referenceName} for reference (not the same size)` : `, compared with ${reference.model}`;
  return {
    id: s.id,
    kind: "scores",
    title: s.title,
    svg: renderBarChart({
      id: s.id,
      title: s.chartTitle ?? s.title,
      categories: BENCHMARKS.map((b) => b.label),
      series: barSeries,
      yLabel: "score (%)",
      yMax: 100,
      emptyText: s.emptyText,
    }),
    summary: `${scored}${against}`,
  };
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
