import { describe, expect, it } from "vitest";
import { buildTarget, parseReply } from "../../../../src/stages/data/recipe/index.js";

const reply = (content: string | null, reasoning: string | null = null, finish: string | null = "stop") => ({ content, reasoning, finish });

describe("parseReply", () => {
  it("takes the reasoning from the reasoning field and the answer from <answer> in the content", () => {
    const p = parseReply(reply("<answer>所以选 \\boxed{B}</answer>", "  先看选项……  "));
    expect(p).toEqual({
      ok: true,
      reasoning: "先看选项……",
      answer: "所以选 \\boxed{B}",
      target: "<think>\n先看选项……\n</think>\n\n<answer>\n所以选 \\boxed{B}\n</answer>",
    });
  });

  it("parses <think> from the content when there is no reasoning field, and takes the text after it as the answer", () => {
    expect(parseReply(reply("<think>\nstep 1\n</think>\nThe answer is \\boxed{14.1%}."))).toMatchObject({
      ok: true,
      reasoning: "step 1",
      answer: "The answer is \\boxed{14.1%}.",
    });
    // vLLM's R1 reasoning parser strips the opening tag; a lone closing tag still ends the reasoning.
    expect(parseReply(reply("step 1</think><answer>\\boxed{A}</answer>"))).toMatchObject({ ok: true, reasoning: "step 1", answer: "\\boxed{A}" });
  });

  it("rejects replies that cannot make a target", () => {
    expect(parseReply(reply("\\boxed{A}"))).toEqual({ ok: false, problem: "no-reasoning" });
    expect(parseReply(reply(""))).toEqual({ ok: false, problem: "no-content" });
    expect(parseReply(reply("<answer>B</answer>", "thinking"))).toEqual({ ok: false, problem: "no-box" });
    expect(parseReply(reply("<answer>\\boxed{B}</answer>", "thinking", "length"))).toEqual({ ok: false, problem: "truncated" });
    expect(parseReply(reply("<answer>\\boxed{B}</answer>", "I wrote <answer> too early"))).toEqual({ ok: false, problem: "nested-tags" });
    expect(parseReply(reply("<think>x</think>", null))).toEqual({ ok: false, problem: "no-answer" });
  });

  it("builds exactly <think>\\n…\\n</think>\\n\\n<answer>\\n…\\n</answer>", () => {
    expect(buildTarget("r", "a \\boxed{1}")).toBe("<think>\nr\n</think>\n\n<answer>\na \\boxed{1}\n</answer>");
  });
});
