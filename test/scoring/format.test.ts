import { describe, expect, it } from "vitest";
import { checkFormat, formatComplianceRate } from "../../src/scoring/format.js";
import { cflueRewardDetail } from "../../src/scoring/cflue.js";

describe("checkFormat", () => {
  it("agrees with the reward's format half", () => {
    const samples = [
      "<think>a</think><answer>\\boxed{A}</answer>",
      "<think>a</think><answer>A</answer>",
      "<answer>\\boxed{A}</answer>",
      "<think>a</think><answer>\\boxed{}</answer>",
    ];
    for (const s of samples) expect(checkFormat(s).ok, s).toBe(cflueRewardDetail(s, "A").formatOk);
  });
  it("names the first failing rule", () => {
    expect(checkFormat("<think>a</think><answer>A</answer>").problem).toBe("no-box-in-answer");
    expect(checkFormat(null).problem).toBe("no-output");
  });
});

describe("formatComplianceRate", () => {
  it("counts ok responses and problems", () => {
    const report = formatComplianceRate([
      "<think>a</think><answer>\\boxed{A}</answer>",
      "<think>a</think><answer>\\boxed{B}</answer>",
      "<think>a</think><answer>B</answer>",
      "<answer>\\boxed{A}</answer>",
      undefined,
    ]);
    expect(report).toEqual({
      total: 5,
      ok: 2,
      rate: 0.4,
      problems: { "no-box-in-answer": 1, "think-tag-count": 1, "no-output": 1 },
    });
  });
  it("is 0 for no responses", () => {
    expect(formatComplianceRate([]).rate).toBe(0);
  });
});
