// Small helpers shared by the benchmark scripts: repeat, median, spread.
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
