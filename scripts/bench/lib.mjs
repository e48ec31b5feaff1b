// Small helpers shared by the benchmark scripts: repeat, median, spread.
import { execFileSync } from "node:child_process";
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export function show(label, s, unit, digits = 1) {
  const f = (x) => x.toFixed(digits);
  console.log(`${label}: median ${f(s.median)} ${unit} (min ${f(s.min)}, max ${f(s.max)}, n=${s.n})`);
}

/** Runs `script --child ...args` `times` times, each in a fresh process, and collects each run's last JSON line. */
export function runChildren(script, args, times) {
  const results = [];
  for (let i = 0; i < times; i++) {
    const out = execFileSync(process.execPath, [script, "--child", ...args], { encoding: "utf8", maxBuffer: 16 << 20 });
    results.push(JSON.parse(out.trim().split("\n").pop()));
  }
  return results;
}

export const fmt = (s, digits = 0) => `${s.median.toFixed(digits)} (min ${s.min.toFixed(digits)}, max ${s.max.toFixed(digits)})`;
