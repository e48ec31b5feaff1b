import { describe, expect, it } from "vitest";
import { decimateMinMax } from "../../../src/report/svg/decimate.js";

describe("decimateMinMax", () => {
  const columns = 600;
  const n = 50_000;
  const points = Array.from({ length: n }, (_, i) => ({ x: i, y: Math.sin(i / 500) + (i === 31_337 ? 9 : 0) - (i === 12_345 ? 9 : 0) }));
  const toColumn = (x: number) => (x / n) * columns;

  it("keeps at most four points per pixel column, in x order", () => {
    const out = decimateMinMax(points, columns, toColumn);
    expect(out.length).toBeLessThanOrEqual(columns * 4 + 4);
    expect(out.length).toBeGreaterThan(columns);
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
  });
  it("keeps single-point spikes in both directions and the end points", () => {
    const out = decimateMinMax(points, columns, toColumn);
    expect(out.some((p) => p.x === 31_337)).toBe(true);
    expect(out.some((p) => p.x === 12_345)).toBe(true);
    expect(out[0]).toEqual(points[0]);
    expect(out.at(-1)).toEqual(points.at(-1));
  });
  it("returns small inputs unchanged", () => {
    const few = points.slice(0, 100);
    expect(decimateMinMax(few, columns, toColumn)).toEqual(few);
  });
});
