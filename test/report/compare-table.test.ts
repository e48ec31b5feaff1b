// The table across experiments: averages compare like with like, the paper's rows are of the experiments' sizes, and
// every format shows the same cells.
import { describe, expect, it } from "vitest";
import { buildComparison, comparisonHtml, comparisonMarkdown, comparisonText, type ComparedExperiment } from "../../src/report/compare-table.js";

const row = (experiment: string, size: string, scores: ComparedExperiment["scores"], lr: number): ComparedExperiment => ({
  experiment,
  size,
  params: { "stages.grpo.actor.lr": lr },
  scores,
  gpuHours: 12.34,
  status: "completed",
});

describe("comparison table", () => {
  it("averages every row over the benchmarks all experiments have when some lack one", () => {
    const c = buildComparison([row("a", "7b", { cflue: 80, finqa: 70, math500: 60 }, 1e-6), row("b", "7b", { cflue: 90, math500: 50 }, 2e-6)]);
    expect(c.common).toEqual(["cflue", "math500"]);
    expect(c.rows.map((r) => r.commonAverage)).toEqual([70, 70]);
    expect(c.rows.every((r) => r.average === undefined)).toBe(true);
    expect(comparisonText(c)).toMatch(/Avg \(CFLUE, MATH-500\)/);
    expect(comparisonText(c)).toMatch(/^a +1e-6 +80\.00 +70\.00 +— +60\.00 +— +— +70\.00 +12\.3 +completed$/m);
  });

  it("a row with all five has the five-benchmark average; the paper's rows are of the same sizes, with their printed average", () => {
    const c = buildComparison([row("full", "32b", { cflue: 80, finqa: 80, ccc: 80, math500: 80, gpqa_diamond: 30 }, 1e-6)], { paper: true });
    expect(c.common).toBeUndefined();
    expect(c.rows[0]!.average).toBe(70);
    const paper = c.rows.filter((r) => r.kind === "paper").map((r) => r.label);
    expect(paper).toEqual(expect.arrayContaining(["DianJin-R1-32B (paper)", "QwQ-32B (paper)", "Qwen2.5-32B-Instruct (paper)"]));
    expect(paper.some((l) => /7B|14B|72B|GPT|V3/.test(l))).toBe(false);
    expect(c.rows.find((r) => r.label === "DianJin-R1-32B (paper)")!.average).toBe(82.07);
    expect(comparisonMarkdown(c)).toMatch(/^\| full \| 1e-6 \| 80\.00 \| 80\.00 \| 80\.00 \| 80\.00 \| 30\.00 \| 70\.00 \| 12\.3 \| completed \|$/m);
    expect(comparisonHtml(c)).toMatch(/<tr class="paper"><th>DianJin-R1-32B \(paper\)<\/th>/);
  });
});
