import { describe, expect, it } from "vitest";
import { cflueReward, cflueRewardDetail, scoreCflue, strictOptionSet } from "../../src/scoring/cflue.js";

const wrap = (answer: string, think = "推理") => `<think>${think}</think>\n<answer>${answer}</answer>`;

describe("cflueReward (the RL reward)", () => {
  it("rewards the right letters in the last box of the answer", () => {
    expect(cflueReward(wrap("答案是 \\boxed{ABD}"), "ABD")).toBe(1);
    expect(cflueReward(wrap("\\boxed{D, B, A}"), "ABD")).toBe(1);
    expect(cflueReward(wrap("\\boxed{\\text{C}}"), "C")).toBe(1);
  });
  it("uses only the last box inside the answer", () => {
    expect(cflueReward(wrap("\\boxed{A} 更正：\\boxed{B}"), "B")).toBe(1);
    expect(cflueReward(wrap("\\boxed{B} 更正：\\boxed{A}"), "B")).toBe(0);
  });
  it("ignores boxes outside the answer block", () => {
    expect(cflueReward(`<think>\\boxed{A}</think><answer>A</answer>`, "A")).toBe(0);
    expect(cflueReward(`<think>x</think><answer>A</answer>\\boxed{A}`, "A")).toBe(0);
    expect(cflueRewardDetail(`<think>x</think><answer>A</answer>\\boxed{A}`, "A").problem).toBe("no-box-in-answer");
  });
  it("needs a superset-free match: missing or extra letters score 0", () => {
    expect(cflueReward(wrap("\\boxed{AB}"), "ABD")).toBe(0);
    expect(cflueReward(wrap("\\boxed{ABCD}"), "ABD")).toBe(0);
  });
  it("keeps the seed's letter quirk: capitals A–G in prose pollute the set", () => {
    expect(cflueReward(wrap("\\boxed{B. Equity}"), "B")).toBe(0);
    expect(cflueRewardDetail(wrap("\\boxed{B. Equity}"), "B").predicted).toBe("BE");
  });
  it("ignores lowercase, full-width and H–Z letters", () => {
    expect(cflueReward(wrap("\\boxed{a}"), "A")).toBe(0);
    expect(cflueReward(wrap("\\boxed{Ａ}"), "A")).toBe(0);
    expect(cflueReward(wrap("\\boxed{AH}"), "A")).toBe(1);
  });
  it("never rewards empty boxes or empty golds", () => {
    expect(cflueReward(wrap("\\boxed{}"), "A")).toBe(0);
    const detail = cflueRewardDetail(wrap("\\boxed{}"), "");
    expect(detail).toMatchObject({ score: 0, formatOk: true, problem: "bad-gold" });
  });
  it("scores 0 for broken formats", () => {
    expect(cflueReward("\\boxed{A}", "A")).toBe(0);
    expect(cflueReward("<think>x</think><think>y</think><answer>\\boxed{A}</answer>", "A")).toBe(0);
    expect(cflueReward("<answer>\\boxed{A}</answer><think>x</think>", "A")).toBe(0);
    expect(cflueReward("<think>x</think><answer>\\boxed{A</answer>}", "A")).toBe(0);
  });
  it("never throws on non-strings", () => {
    expect(cflueReward(undefined as unknown as string, "A")).toBe(0);
    expect(cflueReward(wrap("\\boxed{A}"), null as unknown as string)).toBe(0);
  });
  it("reports format separately from accuracy", () => {
    expect(cflueRewardDetail(wrap("\\boxed{B}"), "A")).toEqual({ score: 0, acc: 0, formatOk: true, predicted: "B", problem: null });
  });
});

describe("scoreCflue (evaluation)", () => {
  it("seed mode takes the last box anywhere, no tags needed", () => {
    expect(scoreCflue("so \\boxed{AC}", "AC")).toMatchObject({ correct: true, predicted: "AC", reason: "ok" });
    expect(scoreCflue("\\boxed{A} … \\boxed{C}", "A").correct).toBe(false);
  });
  it("seed mode reads prose letters like the seed", () => {
    expect(scoreCflue("\\boxed{B. Equity}", "BE").correct).toBe(true);
  });
  it("strict mode reads the letter named first, not the letters in the option's text", () => {
    expect(scoreCflue("\\boxed{B. Equity}", "B", { mode: "strict" })).toMatchObject({ correct: true, predicted: "B", reason: "ok" });
    expect(scoreCflue("\\boxed{B. Equity}", "BE", { mode: "strict" }).correct).toBe(false);
    expect(scoreCflue("\\boxed{D. Both A and C}", "D", { mode: "strict" }).predicted).toBe("D");
    expect(scoreCflue("\\boxed{A or C}", "A", { mode: "strict" })).toMatchObject({ correct: false, reason: "not-options" });
  });
  it("strict mode accepts separators, LaTeX wrappers and full-width letters", () => {
    for (const box of ["A, C", "A、C", "C A", "\\text{A}\\text{C}", "$A$ and $C$", "ＡＣ", "\\mathrm{A},\\mathrm{C}", "A；C"]) {
      expect(scoreCflue(`\\boxed{${box}}`, "AC", { mode: "strict" }).correct, box).toBe(true);
    }
  });
  it("strict mode reads lowercase, 选项B and lead-ins; rejects H–Z and words", () => {
    expect(strictOptionSet("b")).toBe("B");
    expect(strictOptionSet("选项B")).toBe("B");
    expect(strictOptionSet("答案：A、C")).toBe("AC");
    expect(strictOptionSet("A. 对")).toBe("A");
    for (const box of ["AH", "A or C", "都不对", "Bad"]) expect(strictOptionSet(box), box).toBeNull();
  });
  it("null output and missing box are wrong", () => {
    expect(scoreCflue(null, "A").reason).toBe("no-output");
    expect(scoreCflue("answer: A", "A").reason).toBe("no-box");
    expect(scoreCflue("\\boxed{}", "A").reason).toBe("not-options");
  });
});
