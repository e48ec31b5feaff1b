import { describe, expect, it } from "vitest";
import { cccVerdict, scoreCcc } from "../../src/scoring/ccc.js";

const wrap = (a: string) => `<think>逐项检查</think><answer>${a}</answer>`;

describe("cccVerdict", () => {
  it("maps Chinese and English labels", () => {
    for (const l of ["违规", "不合规", "存在违规", "Violation", "NON-COMPLIANT", "“违规”。"]) expect(cccVerdict(l), l).toBe("violation");
    for (const l of ["合规", "不违规", "未违规", "无违规", "Compliant", "No violation", "\\text{合规}"]) expect(cccVerdict(l), l).toBe("compliant");
  });
  it("does not confuse negated labels with their substrings", () => {
    expect(cccVerdict("不合规")).toBe("violation");
    expect(cccVerdict("不违规")).toBe("compliant");
  });
  it("reads sentences, decorated labels and yes/no forms; null for unknown labels and for both verdicts at once", () => {
    expect(cccVerdict("该客服存在违规行为，因为未及时上报投诉")).toBe("violation");
    expect(cccVerdict("该对话不存在违规行为")).toBe("compliant");
    expect(cccVerdict("违规（误导销售）")).toBe("violation");
    expect(cccVerdict("违规行为：承诺收益")).toBe("violation");
    expect(cccVerdict("无")).toBe("compliant");
    expect(cccVerdict("是，坐席承诺了收益")).toBe("violation");
    expect(cccVerdict("maybe")).toBeNull();
    expect(cccVerdict("可能违规，也可能合规")).toBeNull();
  });
  it("accepts project-specific labels", () => {
    expect(cccVerdict("有问题", { 有问题: "violation" })).toBe("violation");
  });
});

describe("scoreCcc", () => {
  it("reads the last box in the answer", () => {
    expect(scoreCcc(wrap("结论：\\boxed{违规}"), "违规")).toMatchObject({ correct: true, predicted: "violation" });
    expect(scoreCcc(wrap("\\boxed{不合规}"), "violation").correct).toBe(true);
    expect(scoreCcc(wrap("\\boxed{合规}"), "违规")).toMatchObject({ correct: false, reason: "wrong" });
  });
  it("falls back to the answer block without a box", () => {
    expect(scoreCcc(wrap("合规"), "compliant").correct).toBe(true);
  });
  it("compares unknown labels as normalised text", () => {
    expect(scoreCcc(wrap("\\boxed{客服违规-未上报}"), "客服违规-未上报").correct).toBe(true);
    expect(scoreCcc(wrap("\\boxed{其他}"), "客服违规-未上报").correct).toBe(false);
  });
  it("explains failures", () => {
    expect(scoreCcc(null, "违规").reason).toBe("no-output");
    expect(scoreCcc("no tags no box", "违规").reason).toBe("no-label");
    expect(scoreCcc("<think>还在分析", "违规")).toMatchObject({ reason: "no-label", why: expect.stringContaining("ends inside <think>") });
    expect(scoreCcc(wrap("可能违规，也可能合规"), "违规").reason).toBe("ambiguous");
    expect(scoreCcc(wrap("\\boxed{}"), "违规").reason).toBe("no-label");
  });
});
