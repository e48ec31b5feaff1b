// Min/max decimation: a curve with 50k points drawn into 800 pixel columns keeps, per column, only the
// first, lowest, highest and last point. The drawn shape (including spikes) is the same; the SVG stays small.

export interface Point {
  x: number;
  y: number;
}

/**
 * Reduces `points` (sorted by x) for a plot `columns` pixels wide, where `toColumn` maps x to a pixel column.
 * Returns the input unchanged when it is already small enough.
 */
export function decimateMinMax(points: readonly Point[], columns: number, toColumn: (x: number) => number): Point[] {
  if (points.length <= columns * 4) return [...points];
  const out: Point[] = [];
  let i = 0;
  while (i < points.length) {
    const first = points[i]!;
    const column = Math.floor(toColumn(first.x));
    let lo = first;
    let hi = first;
    let last = first;
    let j = i + 1;
    for (; j < points.length; j++) {
      const p = points[j]!;
      if (Math.floor(toColumn(p.x)) !== column) break;
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
      last = p;
    }
    // Keep the kept points in x order so the path does not double back.
    const kept = [first, lo, hi, last].filter((p, k, all) => all.indexOf(p) === k).sort((a, b) => a.x - b.x);
    out.push(...kept);
    i = j;
  }
  return out;
}
