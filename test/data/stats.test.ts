import { describe, expect, it } from "vitest";
import { countTokens } from "../../src/data/tokens.js";
import { rlStats, sftStats, statsMarkdown } from "../../src/stages/data/recipe/index.js";

describe("data statistics", () => {
  it("means of Qwen2.5 tokens of question, reasoning and answer, in the paper's layout", () => {
    const records = [
      { instruction: "某债券面值100元，票面利率5%，年利息为多少？", input: "", output: "<think>\n100×5%=5\n</think>\n\n<answer>\n\\boxed{A}\n</answer>" },
      { instruction: "What is the change in revenue?", input: "table", output: "<think>\n120-100\n</think>\n\n<answer>\nIt rose by \\boxed{20}\n</answer>" },
      { instruction: "broken", input: "", output: "no tags" },
    ];
    const row = sftStats({ set: "CFLUE_MCQ", name: "cflue_mcq_r1", lang: "zh", records });
    const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
    expect(row).toEqual({
      split: "SFT",
      set: "CFLUE_MCQ",
      name: "cflue_mcq_r1",
      lang: "zh",
      size: 3,
      question: mean([countTokens(records[0]!.instruction), countTokens("What is the change in revenue?\ntable"), countTokens("broken")]),
      reasoning: mean([countTokens("100×5%=5"), countTokens("120-100")]),
      answer: mean([countTokens("\\boxed{A}"), countTokens("It rose by \\boxed{20}")]),
      unparsed: 1,
    });
    const rl = rlStats({ set: "CFLUE_MCQ", name: "cflue_mcq_rl", lang: "zh", rows: [{ prompt: [{ content: "题目" }], reward_model: { ground_truth: "AB" } }] });
    expect(rl).toMatchObject({ split: "RL", size: 1, reasoning: null, answer: countTokens("AB") });
    const md = statsMarkdown({ tokenizer: "Qwen2.5", rows: [row, rl, { ...row, set: "FinQA", size: 4581, question: 1048.376 }] });
    expect(md).toContain("| split | set | name | lang | size | Q | R | A |");
    expect(md).toContain("| RL | CFLUE_MCQ | cflue_mcq_rl | zh | 1 |");
    expect(md).toMatch(/\| SFT \| FinQA \| cflue_mcq_r1 \| zh \| 4,581 \| 1,048\.38 \|/);
    expect(md).toContain("cflue_mcq_r1: 1 records without the <think>/<answer> layout");
    expect(md).toContain("SFT total: 4,584");
  });
});
