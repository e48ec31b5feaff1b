// Line chart for training curves (loss, reward, response length against step).

import { escapeXml } from "../escape.js";
import { decimateMinMax, type Point } from "./decimate.js";
import { CHART_DEFAULTS, emptyMessage, frame, legend, linearScale, plotBox, px, svgOpen, xAxisTitle, yAxis } from "./layout.js";
import { formatTick, niceTicks } from "./ticks.js";

export interface LineSeries {
  name: string;
  points: readonly Point[];
  color?: string;
}

export interface LineChartOptions {
  /** Element id; also the anchor the Markdown links to. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  width?: number;
  height?: number;
  /** Shown in place of the curve when no series has a finite point. */
  emptyText?: string;
}

export function renderLineChart(o: LineChartOptions): string {
  const width = o.width ?? CHART_DEFAULTS.width;
  const height = o.height ?? CHART_DEFAULTS.height;
  const box = plotBox(width, height);
  const series = o.series.map((s, i) => ({
    name: s.name,
    color: s.color ?? CHART_DEFAULTS.palette[i % CHART_DEFAULTS.palette.length]!,
    // Non-finite values (NaN loss, missing metric) cannot be drawn; sorting makes decimation and the path monotone in x.
    points: sortedByX(s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))),
  }));
  const all = series.flatMap((s) => s.points);
  const description = series.map((s) => `${s.name}: ${s.points.length} points`).join("; ") || "no data";
  const out: string[] = [svgOpen(o.id, width, height, o.title, description)];

  if (all.length === 0) {
    out.push(frame(box), xAxisTitle(box, o.xLabel), emptyMessage(box, o.emptyText ?? "No data recorded"), "</svg>");
    return out.join("");
  }

  const xTicks = niceTicks(...extent(all, (p) => p.x), 8);
  const yTicks = niceTicks(...extent(all, (p) => p.y), 6);
  const toX = linearScale(xTicks.min, xTicks.max, box.left, box.right);
  const toY = linearScale(yTicks.min, yTicks.max, box.bottom, box.top);

  out.push(yAxis(box, yTicks, toY, o.yLabel));
  out.push(`<g class="x-axis">`);
  for (const v of xTicks.values) {
    const x = px(toX(v));
    out.push(`<line x1="${x}" x2="${x}" y1="${box.bottom}" y2="${box.bottom + 5}" stroke="${CHART_DEFAULTS.axisColor}"/>`);
    out.push(`<text x="${x}" y="${box.bottom + 18}" text-anchor="middle" fill="${CHART_DEFAULTS.axisColor}">${escapeXml(formatTick(v, xTicks.step))}</text>`);
  }
  out.push(`</g>`, frame(box), xAxisTitle(box, o.xLabel));

  for (const s of series) {
    if (s.points.length === 0) continue;
    const drawn = decimateMinMax(s.points, Math.max(1, Math.round(box.plotWidth)), (x) => toX(x) - box.left);
    const d = drawn.map((p, k) => `${k === 0 ? "M" : "L"}${px(toX(p.x))} ${px(toY(p.y))}`).join("");
    out.push(
      `<path class="series" data-series="${escapeXml(s.name)}" data-points="${s.points.length}" data-drawn="${drawn.length}" ` +
        `d="${d}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
    // A single point has no line to show; mark it so the chart is not blank.
    if (drawn.length === 1) out.push(`<circle cx="${px(toX(drawn[0]!.x))}" cy="${px(toY(drawn[0]!.y))}" r="3" fill="${escapeXml(s.color)}"/>`);
  }
  out.push(legend(box, series), "</svg>");
  return out.join("");
}

/** Min and max without spreading into Math.min (which overflows the call stack past ~100k points). */
function extent(points: readonly Point[], get: (p: Point) => number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    const v = get(p);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Logged steps are nearly always in order already; only pay for a sort when they are not. */
function sortedByX(points: Point[]): Point[] {
  for (let i = 1; i < points.length; i++) if (points[i]!.x < points[i - 1]!.x) return points.sort((a, b) => a.x - b.x);
  return points;
}
