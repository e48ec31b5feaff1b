// Scorers read only what the model committed to as its answer; format compliance accepts reasoning returned apart.
import { describe, expect, it } from "vitest";
import { answerPart, checkFormat, extractFinalAnswer, formatComplianceRate, scoreCcc, scoreCflue, scoreFinqa } from "../../src/scoring/index.js";
import { scoreSample } from "../../src/stages/eval/engine/score.js";

describe("FinQA scores the committed answer only", () => {
  it.each([
    ["a number only in the reasoning, then no answer", "<think>the change is 0.111</think> I cannot decide.", 0.111],
    ["prose naming two years, no statement", "The table shows 2019 and 2018 values.", 2019],
    ["an unclosed think block holding the number", "<think>so it is 0.111 and then", 0.111],
    ["a box inside the reasoning only", "<think>\\boxed{0.111}</think>\nNo idea.", 0.111],
    ["an answer block in prose with two numbers", "<think>x</think><answer>Revenue rose from 2018 to 2019.</answer>", 2019],
    ["no output at all", "", 5],
  ])("%s → wrong", (_name, response, gold) => {
    const s = scoreFinqa(response, gold);
    expect(s.correct).toBe(false);
    expect(s.predicted).toBeNull();
  });

  it.each([
    ["the last box of the answer part, not the reasoning's", "<think>\\boxed{5}</think><answer>\\boxed{0.111}</answer>", 0.111, "0.111"],
    ["the last box after </think> without answer tags", "<think>maybe 7</think>So: \\boxed{12.5\\%}", 0.125, "12.5\\%"],
    ["an explicit statement outside the reasoning", "<think>it is 3</think>The final answer is 14%.", 0.14, "14%"],
    ["a Chinese statement", "<think>…</think>答案是 1,234 万", 12_340_000, "1,234 万"],
    ["an answer part that is one value", "<think>work 9 8 7</think>\n0.111", 0.111, "0.111"],
    ["an answer block holding one value", "<think>x</think><answer>$1,234 million</answer>", 1.234e9, "$1,234 million"],
    ["yes/no plainly", "<think>compare 3 and 4</think><answer>Yes.</answer>", "yes", "Yes"],
  ])("%s → correct", (_name, response, gold, answer) => {
    const s = scoreFinqa(response, gold);
    expect(s.answerText).toBe(answer);
    expect(s.correct).toBe(true);
  });

  it("answerPart: answer block, else after the last </think>, else the whole text; an unclosed <think> has none", () => {
    expect(answerPart("<think>a</think><answer>b</answer>")).toBe("b");
    expect(answerPart("<think>a</think> b")).toBe(" b");
    expect(answerPart("plain")).toBe("plain");
    expect(answerPart("<think>still thinking")).toBeNull();
    expect(extractFinalAnswer("<think>the answer is 3</think>")).toBeNull();
  });
});

describe("other scorers ignore boxes in the reasoning", () => {
  it("CCC takes no verdict from the reasoning; CFLUE strict neither (seed mode keeps the seed's rule)", () => {
    expect(scoreCcc("<think>\\boxed{合规}</think> unsure", "合规").correct).toBe(false);
    expect(scoreCcc("<think>x</think><answer>\\boxed{合规}</answer>", "合规").correct).toBe(true);
    expect(scoreCflue("<think>\\boxed{A}</think> I do not know", "A", { mode: "strict" }).correct).toBe(false);
    expect(scoreCflue("<think>\\boxed{A}</think> I do not know", "A", { mode: "seed" }).correct).toBe(true);
  });
});

describe("format compliance with reasoning returned separately", () => {
  it("reasoning_content counts as the think part; content with its own think block is judged as it is", () => {
    expect(checkFormat("<answer>\\boxed{A}</answer>", "because").ok).toBe(true);
    expect(checkFormat("<answer>\\boxed{A}</answer>").ok).toBe(false);
    expect(checkFormat("<answer>\\boxed{A}</answer>", "   ").ok).toBe(false);
    expect(checkFormat("<answer>no box</answer>", "because")).toMatchObject({ ok: false, problem: "no-box-in-answer" });
    expect(checkFormat("<think>a</think><answer>\\boxed{A}</answer>", "a copy").ok).toBe(true);
    expect(formatComplianceRate([{ content: "<answer>\\boxed{A}</answer>", reasoning: "r" }, "<answer>\\boxed{A}</answer>"]).ok).toBe(1);
  });

  it("a content that starts inside a think block the chat template opened counts as having <think>", () => {
    expect(checkFormat("推理……\n</think>\n<answer>\\boxed{A}</answer>")).toMatchObject({ ok: true, why: expect.stringContaining("pre-filled") });
    expect(checkFormat("a</think>b</think><answer>\\boxed{A}</answer>").ok).toBe(false);
    expect(checkFormat("</think><think>x</think><answer>\\boxed{A}</answer>").ok).toBe(false);
  });

  it("the eval's per-sample score uses it", () => {
    expect(scoreSample("cflue", "<answer>\\boxed{B}</answer>", "B", {}, "thinking").formatOk).toBe(true);
    expect(scoreSample("cflue", "<answer>\\boxed{B}</answer>", "B", {}, null).formatOk).toBe(false);
  });
});
