import { describe, expect, it } from "vitest";
import { renderBarChart } from "../../../src/report/svg/bar-chart.js";
import { renderLineChart } from "../../../src/report/svg/line-chart.js";

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe("renderLineChart", () => {
  it("draws one path per series with a non-empty d and labelled axes", () => {
    const svg = renderLineChart({
      id: "c",
      title: "Loss",
      xLabel: "step",
      yLabel: "loss",
      series: [
        {
          name: "a",
          points: [
            { x: 1, y: 2 },
            { x: 2, y: 1 },
            { x: 3, y: 1.5 },
          ],
        },
      ],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(svg).toMatch(/<path class="series"[^>]* d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+L[\d.]+ [\d.]+"/);
    expect(svg).toContain(">step</text>");
    expect(svg).toContain(">loss</text>");
    expect(svg).not.toContain('class="empty"');
  });
  it("shows a message instead of a curve when there is no finite point", () => {
    const svg = renderLineChart({
      id: "c",
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: [{ name: "a", points: [{ x: 1, y: NaN }] }],
      emptyText: "No GRPO score logged",
    });
    expect(svg).toContain('class="empty"');
    expect(svg).toContain("No GRPO score logged");
    expect(svg).not.toContain('class="series"');
  });
  it("escapes every piece of text", () => {
    const svg = renderLineChart({
      id: 'x"y',
      title: "<script>alert(1)</script>",
      xLabel: "a&b",
      yLabel: "'q'",
      series: [
        {
          name: "<s>",
          points: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        { name: "t", points: [] },
      ],
    });
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).toContain("a&amp;b");
    expect(svg).toContain('id="x&quot;y"');
    expect(svg).toContain('data-series="&lt;s&gt;"');
  });
  it("keeps 200k points to a bounded path without overflowing the stack", () => {
    const points = Array.from({ length: 200_000 }, (_, i) => ({ x: i, y: Math.cos(i) }));
    const svg = renderLineChart({ id: "big", title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", points }] });
    const drawn = Number(/data-drawn="(\d+)"/.exec(svg)![1]);
    expect(drawn).toBeLessThan(4 * 720);
    expect(svg.length).toBeLessThan(200_000);
  });
  it("draws out-of-order steps left to right", () => {
    const svg = renderLineChart({
      id: "c",
      title: "t",
      xLabel: "x",
      yLabel: "y",
      series: [
        {
          name: "a",
          points: [
            { x: 3, y: 1 },
            { x: 1, y: 2 },
            { x: 2, y: 3 },
          ],
        },
      ],
    });
    const xs = [.../ d="([^"]+)"/.exec(svg.slice(svg.indexOf('class="series"')))![1]!.matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });
  it("marks a single point with a dot", () => {
    const svg = renderLineChart({ id: "c", title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", points: [{ x: 3, y: 0.5 }] }] });
    expect(svg).toContain("<circle");
  });
});

describe("renderBarChart", () => {
  it("draws a bar per value and a dash for each missing value", () => {
    const svg = renderBarChart({
      id: "b",
      title: "Scores",
      categories: ["A", "B", "C"],
      yLabel: "%",
      yMax: 100,
      series: [
        { name: "run", values: [50, undefined, 70] },
        { name: "paper", values: [60, 61, 62] },
      ],
    });
    expect(count(svg, /<rect class="bar"/g)).toBe(5);
    expect(count(svg, /class="missing"/g)).toBe(1);
    expect(svg).toContain('data-category="B"');
    expect(svg).toContain(">100</text>");
  });
  it("says so when nothing is scored", () => {
    const svg = renderBarChart({ id: "b", title: "Scores", categories: ["A"], yLabel: "%", yMax: 100, series: [{ name: "run", values: [undefined] }] });
    expect(svg).toContain("No scores yet");
  });
});
