// "Nice" axis ticks (1, 2, 2.5, 5 × 10^k steps) so axes read 0, 0.5, 1.0 rather than 0.137, 0.274.

export interface Ticks {
  /** Axis domain, widened to whole steps so the first and last tick sit on the frame. */
  min: number;
  max: number;
  step: number;
  values: number[];
}

const STEP_MULTIPLIERS = [1, 2, 2.5, 5, 10];

export function niceTicks(dataMin: number, dataMax: number, maxTicks = 6): Ticks {
  let lo = Number.isFinite(dataMin) ? dataMin : 0;
  let hi = Number.isFinite(dataMax) ? dataMax : 1;
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    // A flat series still needs a visible range around its value.
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const rough = (hi - lo) / Math.max(1, maxTicks - 1);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = (STEP_MULTIPLIERS.find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const values: number[] = [];
  // Count steps with integers to avoid drift from repeated float addition.
  const count = Math.round((max - min) / step);
  for (let i = 0; i <= count; i++) values.push(roundToStep(min + i * step, step));
  return { min, max, step, values };
}

function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(decimals, 12)));
}

/** Label for a tick; the number of decimals follows the step so labels do not show float noise. */
export function formatTick(value: number, step: number): string {
  if (Math.abs(step) >= 1000 && value % 1000 === 0 && value !== 0) return `${value / 1000}k`;
  const decimals = decimalsOf(step);
  const text = value.toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** Decimals needed to print every multiple of `step` exactly (0.25 -> 2, 0.5 -> 1, 5 -> 0). */
function decimalsOf(step: number): number {
  for (let d = 0; d < 8; d++) {
    const scaled = Math.abs(step) * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 8;
}
