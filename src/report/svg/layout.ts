// Shared chart geometry and the axis/frame drawing used by both chart kinds.

import { escapeXml } from "../escape.js";
import { formatTick, type Ticks } from "./ticks.js";

export const CHART_DEFAULTS = {
  width: 720,
  height: 320,
  margin: { top: 40, right: 20, bottom: 52, left: 68 },
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', 'DejaVu Sans', sans-serif",
  axisColor: "#6b7280",
  gridColor: "#e5e7eb",
  textColor: "#111827",
  palette: ["#2563eb", "#ea580c", "#059669", "#9333ea", "#6b7280"],
} as const;

export interface PlotBox {
  width: number;
  height: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
  plotWidth: number;
  plotHeight: number;
}

export function plotBox(width: number, height: number): PlotBox {
  const m = CHART_DEFAULTS.margin;
  return {
    width,
    height,
    left: m.left,
    top: m.top,
    right: width - m.right,
    bottom: height - m.bottom,
    plotWidth: width - m.left - m.right,
    plotHeight: height - m.top - m.bottom,
  };
}

export function linearScale(domainMin: number, domainMax: number, rangeMin: number, rangeMax: number): (v: number) => number {
  const span = domainMax - domainMin || 1;
  return (v) => rangeMin + ((v - domainMin) / span) * (rangeMax - rangeMin);
}

/** Rounds coordinates to 0.1 px: enough for any screen, and keeps path strings short. */
export function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

export function svgOpen(id: string, width: number, height: number, title: string, description: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(id)}" class="chart" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${escapeXml(id)}-title ${escapeXml(id)}-desc" ` +
    `font-family="${escapeXml(CHART_DEFAULTS.font)}" font-size="13">` +
    `<title id="${escapeXml(id)}-title">${escapeXml(title)}</title><desc id="${escapeXml(id)}-desc">${escapeXml(description)}</desc>` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>` +
    `<text x="${CHART_DEFAULTS.margin.left}" y="22" font-size="15" font-weight="600" fill="${CHART_DEFAULTS.textColor}">${escapeXml(title)}</text>`
  );
}

/** Horizontal grid lines with y tick labels, plus the y axis title rotated along the left edge. */
export function yAxis(box: PlotBox, ticks: Ticks, toY: (v: number) => number, label: string): string {
  const parts: string[] = [];
  for (const v of ticks.values) {
    const y = px(toY(v));
    parts.push(`<line x1="${box.left}" x2="${box.right}" y1="${y}" y2="${y}" stroke="${CHART_DEFAULTS.gridColor}" stroke-width="1"/>`);
    parts.push(
      `<text x="${box.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${CHART_DEFAULTS.axisColor}">${escapeXml(formatTick(v, ticks.step))}</text>`,
    );
  }
  const cy = px((box.top + box.bottom) / 2);
  parts.push(
    `<text x="16" y="${cy}" transform="rotate(-90 16 ${cy})" text-anchor="middle" dominant-baseline="middle" fill="${CHART_DEFAULTS.textColor}">${escapeXml(label)}</text>`,
  );
  return `<g class="y-axis">${parts.join("")}</g>`;
}

export function xAxisTitle(box: PlotBox, label: string): string {
  return `<text class="x-title" x="${px((box.left + box.right) / 2)}" y="${box.height - 10}" text-anchor="middle" fill="${CHART_DEFAULTS.textColor}">${escapeXml(label)}</text>`;
}

export function frame(box: PlotBox): string {
  return `<path class="frame" d="M${box.left} ${box.top}V${box.bottom}H${box.right}" fill="none" stroke="${CHART_DEFAULTS.axisColor}" stroke-width="1"/>`;
}

/** Legend in the top-right corner; one swatch per series. */
export function legend(box: PlotBox, entries: readonly { name: string; color: string }[]): string {
  if (entries.length < 2) return "";
  const parts: string[] = [];
  let x = box.right;
  // Lay out right to left so the block ends at the plot's right edge; ~7 px per character is enough for the UI font.
  for (const e of [...entries].reverse()) {
    const textWidth = Math.max(20, e.name.length * 7);
    x -= textWidth;
    parts.push(`<text x="${px(x)}" y="22" dominant-baseline="middle" fill="${CHART_DEFAULTS.textColor}">${escapeXml(e.name)}</text>`);
    x -= 16;
    parts.push(`<rect x="${px(x)}" y="16" width="12" height="12" rx="2" fill="${escapeXml(e.color)}"/>`);
    x -= 14;
  }
  return `<g class="legend">${parts.join("")}</g>`;
}

export function emptyMessage(box: PlotBox, message: string): string {
  return (
    `<text class="empty" x="${px((box.left + box.right) / 2)}" y="${px((box.top + box.bottom) / 2)}" text-anchor="middle" ` +
    `dominant-baseline="middle" font-size="14" fill="${CHART_DEFAULTS.axisColor}">${escapeXml(message)}</text>`
  );
}
