import { describe, expect, it } from "vitest";
import { extractFinalAnswer, parseBooleanAnswer, parseJudgeVerdict, parseNumericAnswer, scoreFinqa } from "../../src/scoring/finqa.js";

describe("parseNumericAnswer", () => {
  it.each([
    ["1,234.5", 1234.5, 1234.5, null],
    ["(1,234)", -1234, -1234, null],
    ["$(12.5) million", -12.5, -12.5e6, "scale"],
    ["-$1,234", -1234, -1234, null],
    ["−3.2", -3.2, -3.2, null],
    ["9.37%", 9.37, 0.0937, "percent"],
    ["9.37\\%", 9.37, 0.0937, "percent"],
    ["１２．５％", 12.5, 0.125, "percent"],
    ["25 bps", 25, 0.0025, "bp"],
    ["3.5 billion", 3.5, 3.5e9, "scale"],
    ["1.2万", 1.2, 12000, "scale"],
    ["\\text{about } 55.3", 55.3, 55.3, null],
    ["from 2019-2020 it rose 4", 4, 4, null],
    ["1.5e-3", 0.0015, 0.0015, null],
  ])("%s", (text, printed, value, unit) => {
    const r = parseNumericAnswer(text);
    expect(r?.printed).toBeCloseTo(printed, 10);
    expect(r?.value).toBeCloseTo(value, 10);
    expect(r?.unit).toBe(unit);
  });
  it("takes the last number (the result of a worked calculation)", () => {
    expect(parseNumericAnswer("55.3 - 12.1 = 43.2")?.value).toBeCloseTo(43.2);
  });
  it("returns null without a number", () => {
    expect(parseNumericAnswer("not available")).toBeNull();
  });
});

describe("scoreFinqa", () => {
  const wrap = (a: string) => `<think>calc</think><answer>The change is \\boxed{${a}}</answer>`;
  it("matches percent answers against fraction golds", () => {
    expect(scoreFinqa(wrap("9.37%"), 0.09371).correct).toBe(true);
    expect(scoreFinqa(wrap("9.4\\%"), 0.09371).correct).toBe(true); // 0.3% off, inside the 1% default
    expect(scoreFinqa(wrap("0.0937"), "9.37%").correct).toBe(true);
    expect(scoreFinqa(wrap("9.37"), 0.09371).correct).toBe(true); // printed without % (percentEither)
    expect(scoreFinqa(wrap("9.37"), 0.09371, { percentEither: false }).correct).toBe(false);
  });
  it("applies the stated tolerance", () => {
    expect(scoreFinqa(wrap("101"), 100).correct).toBe(true);
    expect(scoreFinqa(wrap("102"), 100).correct).toBe(false);
    expect(scoreFinqa(wrap("102"), 100, { relTol: 0.05 }).correct).toBe(true);
    expect(scoreFinqa(wrap("0.00005"), 0).correct).toBe(true); // absolute floor near zero
  });
  it("does not ignore the sign", () => {
    expect(scoreFinqa(wrap("(1,234)"), -1234).correct).toBe(true);
    expect(scoreFinqa(wrap("1,234"), -1234).correct).toBe(false);
  });
  it("keeps raw and scaled readings of unit words, and scale mismatch only on request", () => {
    expect(scoreFinqa(wrap("$1,234 million"), 1234).correct).toBe(true);
    // A named scale restates the amount in the gold's units (1.234 billion = 1,234 million); a bare number does not.
    expect(scoreFinqa(wrap("$1.234 billion"), 1234).correct).toBe(true);
    expect(scoreFinqa(wrap("1234000"), 1234).correct).toBe(false);
    expect(scoreFinqa(wrap("1234000"), 1234, { scaleEither: true }).correct).toBe(true);
  });
  it("handles yes/no golds", () => {
    expect(scoreFinqa(wrap("Yes"), "yes").correct).toBe(true);
    expect(scoreFinqa(wrap("no"), "yes")).toMatchObject({ correct: false, reason: "wrong" });
    expect(scoreFinqa(wrap("12"), "yes").reason).toBe("unparseable");
  });
  it("explains failures", () => {
    expect(scoreFinqa(null, 1).reason).toBe("no-output");
    expect(scoreFinqa(wrap("n/a"), 1).reason).toBe("unparseable");
    expect(scoreFinqa(wrap("1"), "unknown").reason).toBe("bad-gold");
  });
});

describe("extractFinalAnswer", () => {
  it("prefers the last box in the answer block over boxes in the reasoning", () => {
    expect(extractFinalAnswer("<think>\\boxed{1}</think><answer>\\boxed{2}</answer>")).toBe("2");
  });
  it("falls back to the last box, the answer block, 'answer is', then everything", () => {
    expect(extractFinalAnswer("x \\boxed{3} y")).toBe("3");
    expect(extractFinalAnswer("<think>t</think><answer>about 4</answer>")).toBe("about 4");
    expect(extractFinalAnswer("so the answer is 5.2%\nthanks")).toBe("5.2%");
    expect(extractFinalAnswer("just 6")).toBe("just 6");
  });
});

describe("parseBooleanAnswer", () => {
  it("reads yes/no words only", () => {
    expect(parseBooleanAnswer("\\text{Yes}.")).toBe(true);
    expect(parseBooleanAnswer("否")).toBe(false);
    expect(parseBooleanAnswer("yes and no")).toBeNull();
  });
});

describe("parseJudgeVerdict", () => {
  it("accepts both the single-brace and the seed's double-brace form", () => {
    expect(parseJudgeVerdict("Correct. \\boxed{1}")).toEqual({ verdict: 1, form: "single" });
    expect(parseJudgeVerdict("Correct. boxed{{1}}")).toEqual({ verdict: 1, form: "double" });
    expect(parseJudgeVerdict("\\boxed{{0}}")).toEqual({ verdict: 0, form: "double" });
    expect(parseJudgeVerdict("\\boxed{ 0 }")).toEqual({ verdict: 0, form: "single" });
  });
  it("uses the last verdict", () => {
    expect(parseJudgeVerdict("first \\boxed{1}, on reflection \\boxed{0}")).toEqual({ verdict: 0, form: "single" });
  });
  it("returns null when there is no verdict box", () => {
    expect(parseJudgeVerdict("correct")).toEqual({ verdict: null, form: null });
    expect(parseJudgeVerdict("\\boxed{2}")).toEqual({ verdict: null, form: null });
    expect(parseJudgeVerdict(undefined)).toEqual({ verdict: null, form: null });
  });
});
