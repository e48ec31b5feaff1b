import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { buildReport, type SeriesSection } from "../../src/report/index.js";
import { sampleInput } from "./sample-input.js";

const GOLDEN = new URL("../fixtures/report/report-7b.md", import.meta.url);

describe("buildReport", () => {
  it("Markdown matches the reviewed golden file", async () => {
    const { markdown } = buildReport(sampleInput());
    if (process.env.UPDATE_GOLDEN) await (await import("node:fs/promises")).writeFile(GOLDEN, markdown);
    expect(markdown).toBe(await readFile(GOLDEN, "utf8"));
  });

  it("puts this run's row, the paper rows and a delta row in the table", () => {
    const { markdown, html } = buildReport(sampleInput());
    expect(markdown).toContain(
      '| **dj-7b &lt;repro&gt; &amp; "test" (this run)** | 79.10 [v2](#scoring) | 76.25 [v2](#scoring) | — | 75.20 [EvalScope](#scoring) | — | — | 76.85 |',
    );
    expect(markdown).toContain("| DianJin-R1-7B (paper) | 80.32 | 77.72 | 94.50 | 76.60 | 37.54 | 73.34 |");
    expect(html).toContain("<td>—</td><td>76.85</td></tr>");
    expect(html).toContain('<td class="neg">−1.22</td>');
  });

  it("a run with 3 of 5 benchmarks: no five-benchmark average for it; every row also averaged over the same 3, labelled", () => {
    const { markdown, html } = buildReport(sampleInput());
    expect(markdown).toContain("| Model | CFLUE | FinQA | CCC | MATH-500 | GPQA-Diamond | Avg (all 5) | Avg (3 of 5: CFLUE, FinQA, MATH-500) |");
    // (80.32 + 77.72 + 76.60) / 3 = 78.213…; the paper's printed five-benchmark average stays beside it.
    expect(markdown).toContain("| DianJin-R1-7B (paper) | 80.32 | 77.72 | 94.50 | 76.60 | 37.54 | 73.34 | 78.21 |");
    // (69.37 + 66.70 + 71.40) / 3 = 69.156…
    expect(markdown).toContain("| Qwen2.5-7B-Instruct (paper) | 69.37 | 66.70 | 55.00 | 71.40 | 33.84 | 59.26 | 69.16 |");
    // 76.85 − 78.213 = −1.36, in the like-with-like column only.
    expect(markdown).toContain("| Δ vs DianJin-R1-7B | −1.22 | −1.47 | — | −1.40 | — | — | −1.36 |");
    expect(html).toContain('<th scope="col">Avg (3 of 5: CFLUE, FinQA, MATH-500)</th>');
    const full = buildReport(sampleInput({ evalScores: { cflue: 80, finqa: 70, ccc: 90, math500: 60, gpqa_diamond: 50 } })).markdown;
    expect(full).toContain("| Avg |");
    expect(full).toContain(
      "| 80.00 [v2](#scoring) | 70.00 [v2](#scoring) | 90.00 [v2](#scoring) | 60.00 [EvalScope](#scoring) | 50.00 [EvalScope](#scoring) | 70.00 |",
    );
  });

  it("shows — everywhere and no average when nothing is scored", () => {
    const { markdown } = buildReport(sampleInput({ evalScores: {} }));
    expect(markdown).toContain("(this run)** | — | — | — | — | — | — |");
    expect(markdown).toContain("no scores yet");
    expect(markdown).not.toContain("Δ vs");
  });

  it("compares a 32B run with the 32B rows only; another size gets the nearest size's rows, labelled, with no Δ; an unknown size none", () => {
    const big = buildReport(sampleInput({ modelSize: "32b" })).markdown;
    expect(big).toContain("| QwQ-32B (paper) | 83.49 |");
    expect(big).not.toContain("DianJin-R1-7B");
    const small = buildReport(sampleInput({ modelSize: "0.5b" }));
    expect(small.markdown).toContain("| DianJin-R1-7B (paper, nearest size 7B) | 80.32 |");
    expect(small.markdown).not.toContain("DianJin-R1-32B");
    expect(small.markdown).not.toContain("Δ vs");
    expect(small.markdown).not.toMatch(/compared with DianJin/);
    expect(small.markdown).toContain("the paper has no 0.5B model; its rows of the nearest size (7B) are shown for reference only");
    expect(small.html).toContain("DianJin-R1-7B (paper, nearest size 7B)");
    const unknown = buildReport(sampleInput({ modelSize: "unknown" })).markdown;
    expect(unknown).not.toContain("(paper");
    expect(unknown).toContain("Paper rows: none");
  });

  it("every score of this run links the rules that produced it", () => {
    const { markdown, html } = buildReport(sampleInput({ scoringVersion: 1 }));
    expect(markdown).toContain("| 79.10 [v1](#scoring) |");
    expect(markdown).toContain("scoring rules version 1");
    expect(html).toContain('<td>79.10 <a class="rule" href="#scoring" title="scoring rules: v1">v1</a></td>');
    expect(html).toContain('<p class="note" id="scoring">');
  });

  it("HTML is self-contained: no script, no external URL, a CSP that forbids loading anything", () => {
    const { html } = buildReport(sampleInput());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    // The only absolute URL is the SVG namespace identifier, which is never fetched.
    expect(html.match(/https?:\/\/[^\s"')<]+/g)?.filter((u) => u !== "http://www.w3.org/2000/svg") ?? []).toEqual([]);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
  });

  it("escapes the experiment name and config text in HTML", () => {
    const { html } = buildReport(sampleInput());
    expect(html).not.toContain("<repro>");
    expect(html).toContain("dj-7b &lt;repro&gt; &amp; &quot;test&quot;");
    expect(html).toContain("&lt;b&gt;not bold&lt;/b&gt;");
  });

  it("shows empty-chart messages when no curves were logged", () => {
    const { html, markdown } = buildReport(sampleInput({ sftLoss: [], grpo: [] }));
    expect(html).toContain("No SFT loss logged");
    expect(html).toContain("No GRPO score logged");
    expect(markdown).toContain("(report.html#sft-loss): no data");
  });

  it("rejects scores that are fractions or out of range, and unknown benchmarks", () => {
    expect(() => buildReport(sampleInput({ evalScores: { cflue: 150 } }))).toThrow(ConfigError);
    expect(() => buildReport(sampleInput({ evalScores: { cflue: NaN } }))).toThrow(/percentage between 0 and 100/);
    expect(() => buildReport(sampleInput({ evalScores: { mmlu: 50 } as never }))).toThrow(/unknown benchmark/);
  });

  it("accepts a plain-text config summary", () => {
    const { markdown, html } = buildReport(sampleInput({ meta: { gitSha: "abc", created: "now", configSummary: "sft: lr=1e-5\ngrpo: n=8" } }));
    expect(markdown).toContain("```text\nsft: lr=1e-5\ngrpo: n=8\n```");
    expect(html).toContain("<pre>sft: lr=1e-5\ngrpo: n=8</pre>");
  });

  it("renders a section a new stage adds, by its kind, in the stages' order (report/ knows no stage)", () => {
    const extra: SeriesSection = {
      kind: "series",
      id: "quantize-error",
      title: "Quantization error vs layer",
      xLabel: "layer",
      yLabel: "error",
      name: "error",
      measure: "error",
      points: [
        { x: 1, y: 0.5 },
        { x: 2, y: 0.25 },
      ],
      emptyText: "No error measured",
    };
    const input = sampleInput();
    const { markdown, html } = buildReport({ ...input, sections: [...input.sections, extra] });
    expect(markdown).toContain("- [Quantization error vs layer](report.html#quantize-error): 2 points, steps 1–2, error 0.5000 → 0.2500\n");
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
    expect(html).toContain('id="quantize-error"');
    expect(html).toContain("<figcaption>Quantization error vs layer: 2 points, steps 1–2, error 0.5000 → 0.2500</figcaption>");
    // Its empty text when it has no point.
    expect(buildReport({ ...input, sections: [...input.sections, { ...extra, points: [] }] }).html).toContain("No error measured");
  });

  it("rejects a section id that is no anchor, two sections with one id, and two sets of scores", () => {
    const input = sampleInput();
    const [loss, , , scores] = input.sections;
    expect(() => buildReport({ ...input, sections: [{ ...loss!, id: 'x"><script>' }] })).toThrow(/is not an anchor/);
    expect(() => buildReport({ ...input, sections: [loss!, loss!] })).toThrow(/sections\.sft-loss\.id: another section has this id/);
    expect(() => buildReport({ ...input, sections: [scores!, { ...scores!, id: "more-scores" }] })).toThrow(/more than one scores section/);
  });
});
