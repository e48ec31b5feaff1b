// Grouped bar chart: one group per benchmark, one bar per source (this run, the paper).

import { escapeXml } from "../escape.js";
import { MISSING } from "../format.js";
import { CHART_DEFAULTS, emptyMessage, frame, legend, linearScale, plotBox, px, svgOpen, xAxisTitle, yAxis } from "./layout.js";
import { niceTicks } from "./ticks.js";

export interface BarSeries {
  name: string;
  /** One value per category; undefined draws a "missing" mark instead of a bar. */
  values: readonly (number | undefined)[];
  color?: string;
}

export interface BarChartOptions {
  id: string;
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  yLabel: string;
  xLabel?: string;
  /** Fixed top of the value axis (100 for percentages); otherwise taken from the data. */
  yMax?: number;
  width?: number;
  height?: number;
  emptyText?: string;
}

export function renderBarChart(o: BarChartOptions): string {
  const width = o.width ?? CHART_DEFAULTS.width;
  const height = o.height ?? CHART_DEFAULTS.height;
  const box = plotBox(width, height);
  const series = o.series.map((s, i) => ({ ...s, color: s.color ?? CHART_DEFAULTS.palette[i % CHART_DEFAULTS.palette.length]! }));
  const values = series.flatMap((s) => s.values).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const description = series
    .map((s) => `${s.name}: ${s.values.map((v, k) => `${o.categories[k] ?? k} ${v === undefined ? MISSING : v.toFixed(2)}`).join(", ")}`)
    .join("; ");
  const out: string[] = [svgOpen(o.id, width, height, o.title, description || "no data")];

  const yTicks = niceTicks(Math.min(0, ...values), o.yMax ?? Math.max(1, ...values), 6);
  const toY = linearScale(yTicks.min, yTicks.max, box.bottom, box.top);
  out.push(yAxis(box, yTicks, toY, o.yLabel), frame(box));
  if (o.xLabel) out.push(xAxisTitle(box, o.xLabel));

  const groupWidth = box.plotWidth / Math.max(1, o.categories.length);
  const barWidth = Math.min(36, (groupWidth * 0.75) / Math.max(1, series.length));
  o.categories.forEach((category, c) => {
    const groupLeft = box.left + c * groupWidth + (groupWidth - barWidth * series.length) / 2;
    out.push(
      `<text class="category" x="${px(box.left + (c + 0.5) * groupWidth)}" y="${box.bottom + 18}" text-anchor="middle" fill="${CHART_DEFAULTS.textColor}">${escapeXml(category)}</text>`,
    );
    series.forEach((s, k) => {
      const v = s.values[c];
      const x = groupLeft + k * barWidth;
      const cx = px(x + barWidth / 2);
      if (v === undefined || !Number.isFinite(v)) {
        out.push(`<text class="missing" x="${cx}" y="${box.bottom - 6}" text-anchor="middle" fill="${CHART_DEFAULTS.axisColor}">${MISSING}</text>`);
        return;
      }
      const top = toY(Math.min(v, yTicks.max));
      const base = toY(Math.max(0, yTicks.min));
      out.push(
        `<rect class="bar" data-series="${escapeXml(s.name)}" data-category="${escapeXml(category)}" data-value="${v}" ` +
          `x="${px(x + 1)}" y="${px(Math.min(top, base))}" width="${px(barWidth - 2)}" height="${px(Math.abs(base - top))}" fill="${escapeXml(s.color)}"/>`,
      );
      out.push(
        `<text class="value" x="${cx}" y="${px(Math.min(top, base) - 4)}" text-anchor="middle" font-size="10" fill="${CHART_DEFAULTS.textColor}">${v.toFixed(1)}</text>`,
      );
    });
  });
  if (values.length === 0) out.push(emptyMessage(box, o.emptyText ?? "No scores yet"));
  out.push(legend(box, series), "</svg>");
  return out.join("");
}
