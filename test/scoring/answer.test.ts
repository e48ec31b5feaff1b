import { describe, expect, it } from "vitest";
import { boxedContents, countOccurrences, lastBoxed, optionLetterSet, reasoningLayout, tagContent } from "../../src/scoring/answer.js";

describe("boxedContents", () => {
  it("keeps nested braces and returns top-level boxes in order", () => {
    expect(boxedContents("x \\boxed{\\text{A}} y \\boxed{\\frac{1}{2}}")).toEqual(["\\text{A}", "\\frac{1}{2}"]);
  });
  it("treats a box inside a box as part of the outer box", () => {
    expect(boxedContents("\\boxed{\\boxed{A} B}")).toEqual(["\\boxed{A} B"]);
  });
  it("skips an unclosed opener and still finds a later complete box", () => {
    expect(boxedContents("\\boxed{A \\boxed{B}")).toEqual(["B"]);
    expect(boxedContents("\\boxed{A")).toEqual([]);
  });
  it("needs the exact spelling \\boxed{", () => {
    expect(boxedContents("\\boxed {A} boxed{B} \\Boxed{C} \\fbox{D}")).toEqual([]);
  });
  it("returns empty content for an empty box", () => {
    expect(boxedContents("\\boxed{}")).toEqual([""]);
    expect(lastBoxed("\\boxed{}")).toBe("");
  });
  it("lastBoxed is null without a box", () => {
    expect(lastBoxed("no box here")).toBeNull();
    expect(lastBoxed("\\boxed{A} then \\boxed{C}")).toBe("C");
  });
});

describe("optionLetterSet", () => {
  it("collects ASCII A–G in sorted order, like the seed", () => {
    expect(optionLetterSet("C, A")).toBe("AC");
    expect(optionLetterSet("B. Equity")).toBe("BE");
    expect(optionLetterSet("AAB")).toBe("AB");
  });
  it("ignores lowercase, full-width and letters after G", () => {
    expect(optionLetterSet("a b")).toBe("");
    expect(optionLetterSet("Ａ")).toBe("");
    expect(optionLetterSet("AH")).toBe("A");
  });
});

describe("reasoningLayout", () => {
  it("accepts one think block followed by one answer block, ignoring outside text", () => {
    const r = reasoningLayout("pre <think>why</think>\n<answer>\\boxed{A}</answer> post");
    expect(r).toEqual({ ok: true, think: "why", answer: "\\boxed{A}" });
  });
  it("rejects duplicated and nested tags", () => {
    expect(reasoningLayout("<think><think>x</think></think><answer>a</answer>")).toEqual({ ok: false, problem: "think-tag-count" });
    expect(reasoningLayout("<think>x</think><answer>a</answer><answer>b</answer>")).toEqual({ ok: false, problem: "answer-tag-count" });
  });
  it("rejects missing tags and wrong order", () => {
    expect(reasoningLayout("<think>x<answer>a</answer>").ok).toBe(false);
    expect(reasoningLayout("</think>x<think><answer>a</answer>")).toEqual({ ok: false, problem: "think-order" });
    expect(reasoningLayout("<think>x</think></answer>a<answer>")).toEqual({ ok: false, problem: "answer-order" });
    expect(reasoningLayout("<answer>a</answer><think>x</think>")).toEqual({ ok: false, problem: "answer-not-after-think" });
    expect(reasoningLayout("<think>x<answer>a</answer></think>")).toEqual({ ok: false, problem: "answer-not-after-think" });
  });
  it("is case-sensitive about tags", () => {
    expect(reasoningLayout("<Think>x</Think><answer>a</answer>").ok).toBe(false);
  });
});

describe("small helpers", () => {
  it("countOccurrences counts non-overlapping hits", () => {
    expect(countOccurrences("aaaa", "aa")).toBe(2);
    expect(countOccurrences("abc", "")).toBe(0);
  });
  it("tagContent returns the first block or null", () => {
    expect(tagContent("<a>1</a><a>2</a>", "<a>", "</a>")).toBe("1");
    expect(tagContent("<a>1", "<a>", "</a>")).toBeNull();
  });
});
