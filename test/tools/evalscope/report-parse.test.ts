import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { EvalscopeReportError, parseEvalscopeReport } from "../../../src/tools/evalscope/index.js";

const fixture = async (name: string) => JSON.parse(await readFile(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as unknown;

describe("parseEvalscopeReport", () => {
  it("reads the 0.x layout", async () => {
    expect(parseEvalscopeReport(await fixture("report-v0.14-math_500.json"))).toEqual({
      score: 0.766,
      percent: 76.6,
      metric: "AveragePass@1",
      num: 500,
      dataset: "math_500",
      layout: "v0",
    });
  });
  it("reads the 1.x layout", async () => {
    expect(parseEvalscopeReport(await fixture("report-v1.4-gpqa_diamond.json"))).toEqual({
      score: 0.3754,
      percent: 37.54,
      metric: "mean_acc",
      num: 198,
      dataset: "gpqa_diamond",
      layout: "v1",
    });
  });
  it("falls back to the primary metric in schema_version 2 (no top-level score, primary not first)", async () => {
    expect(parseEvalscopeReport(await fixture("report-schema2-math_500.json"))).toMatchObject({
      score: 0.766,
      percent: 76.6,
      metric: "mean_acc",
      num: 500,
      layout: "v2",
    });
  });
  it("falls back to metrics[0] when no primary metric is named", () => {
    expect(parseEvalscopeReport({ metrics: [{ name: "acc", score: 0.5, num: 2 }] })).toMatchObject({ score: 0.5, metric: "acc", num: 2 });
  });
  it("rejects reports without a score, with a non-fraction score, or not an object", () => {
    expect(() => parseEvalscopeReport({ metrics: [] }, "a.json")).toThrow(/a\.json: no score/);
    expect(() => parseEvalscopeReport({ score: 76.6 }, "b.json")).toThrow(EvalscopeReportError);
    expect(() => parseEvalscopeReport([1, 2])).toThrow(/not a JSON object/);
  });
});
