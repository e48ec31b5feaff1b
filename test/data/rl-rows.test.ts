import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import {
  assignSplit,
  cflueGoldLetters,
  cflueItemToRlRow,
  cflueRlRows,
  cflueSplitKey,
  loadPromptTemplate,
  renderCfluePrompt,
  type CflueMcqItem,
} from "../../src/data/rl-rows.js";
import { cflueReward } from "../../src/scoring/cflue.js";

const dir = mkdtempSync(join(tmpdir(), "rl-rows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (n: number, extra: Partial<CflueMcqItem> = {}): CflueMcqItem => ({
  question: `第${n}题：下列哪些属于货币政策工具？`,
  choices: { B: "再贴现", A: "公开市场操作", C: "财政补贴", D: "存款准备金率" },
  answer: "ABD",
  task: "多项选择题",
  ...extra,
});

describe("prompt template", () => {
  it("the bundled template asks for think, answer and a box", () => {
    const t = loadPromptTemplate();
    expect(t.text).toContain("<think>");
    expect(t.text).toContain("</answer>");
    expect(t.text).toContain("\\boxed{}");
  });
  it("renders the question, options in letter order and the question type", () => {
    const prompt = renderCfluePrompt(loadPromptTemplate(), item(1));
    expect(prompt).toContain("第1题：下列哪些属于货币政策工具？");
    expect(prompt).toContain("A. 公开市场操作\nB. 再贴现\nC. 财政补贴\nD. 存款准备金率");
    expect(prompt).toContain("多项选择题（有两个或两个以上正确选项）");
    expect(prompt).not.toMatch(/\{\{/);
  });
  it("does not expand placeholder-like text inside a question", () => {
    const prompt = renderCfluePrompt(loadPromptTemplate(), item(1, { question: "what is {{options}}?" }));
    expect(prompt).toContain("what is {{options}}?");
  });
  it("a user template can replace the bundled one", () => {
    const path = join(dir, "mine.txt");
    writeFileSync(path, "Q: {{question}}\n{{options}}\nReply as <think></think><answer>\\boxed{}</answer>\n");
    const rows = [...cflueRlRows([item(1)], { seed: 1, templatePath: path })];
    expect(rows[0]?.prompt[0]?.content).toBe(
      "Q: 第1题：下列哪些属于货币政策工具？\nA. 公开市场操作\nB. 再贴现\nC. 财政补贴\nD. 存款准备金率\nReply as <think></think><answer>\\boxed{}</answer>",
    );
  });
  it("rejects templates with missing or unknown placeholders, or unreadable files", () => {
    const path = join(dir, "bad.txt");
    writeFileSync(path, "{{question}} {{choices}}");
    expect(() => loadPromptTemplate(path)).toThrow(ConfigError);
    try {
      loadPromptTemplate(path);
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.message)).toEqual([
        "template lacks the {{options}} placeholder",
        "unknown placeholder {{choices}} (known: question, options, question_type)",
      ]);
    }
    expect(() => loadPromptTemplate(join(dir, "missing.txt"))).toThrow(ConfigError);
  });
});

describe("gold letters", () => {
  it("sorts and de-duplicates", () => {
    expect(cflueGoldLetters(item(1, { answer: "DBA" }))).toBe("ABD");
    expect(cflueGoldLetters(item(1, { answer: "a, d" }))).toBe("AD");
  });
  it("rejects letters the item does not offer, and empty answers", () => {
    expect(cflueGoldLetters(item(1, { answer: "E" }))).toBeNull();
    expect(cflueGoldLetters(item(1, { answer: "" }))).toBeNull();
  });
  it("rejects letters beyond G (the reward could never match them)", () => {
    expect(cflueGoldLetters({ question: "q", choices: { A: "1", H: "8" }, answer: "H" })).toBeNull();
  });
});

describe("split", () => {
  it("is deterministic, seed-dependent and independent of input order", () => {
    const items = Array.from({ length: 400 }, (_, i) => item(i));
    const forward = new Map([...cflueRlRows(items, { seed: 7, valFraction: 0.2 })].map((r) => [r.prompt[0]?.content, r.extra_info.split]));
    const backward = new Map([...cflueRlRows([...items].reverse(), { seed: 7, valFraction: 0.2 })].map((r) => [r.prompt[0]?.content, r.extra_info.split]));
    expect(backward).toEqual(forward);
    const other = [...cflueRlRows(items, { seed: 8, valFraction: 0.2 })].map((r) => r.extra_info.split);
    expect(other).not.toEqual([...forward.values()]);
    const val = [...forward.values()].filter((s) => s === "val").length;
    expect(val).toBeGreaterThan(50);
    expect(val).toBeLessThan(110);
  });
  it("uses the id when there is one and content otherwise", () => {
    expect(cflueSplitKey(item(1, { id: 42 }))).toBe("id:42");
    const a = cflueSplitKey(item(1));
    const b = cflueSplitKey(item(1, { choices: { D: "存款准备金率", C: "财政补贴", B: "再贴现", A: "公开市场操作" } }));
    expect(a).toBe(b);
    expect(cflueSplitKey(item(2))).not.toBe(a);
  });
  it("valFraction 0 and 1 are all-train and all-val", () => {
    expect(assignSplit("k", 1, 0)).toBe("train");
    expect(assignSplit("k", 1, 1)).toBe("val");
  });
});

describe("rows", () => {
  it("builds a verl row whose ground truth the reward accepts", () => {
    const row = cflueItemToRlRow(item(3), { split: "train", index: 5 });
    expect(row).toMatchObject({
      data_source: "cflue_mcq",
      ability: "finance",
      reward_model: { style: "rule", ground_truth: "ABD" },
      extra_info: { split: "train", index: 5 },
    });
    expect(row?.prompt).toHaveLength(1);
    expect(row?.prompt[0]?.role).toBe("user");
    expect(cflueReward("<think>…</think><answer>\\boxed{A, B, D}</answer>", row!.reward_model.ground_truth)).toBe(1);
  });
  it("adds a system prompt when asked", () => {
    const row = cflueItemToRlRow(item(3), { split: "val", index: 0 }, { systemPrompt: "你是金融专家。" });
    expect(row?.prompt.map((m) => m.role)).toEqual(["system", "user"]);
  });
  it("skips items without a usable gold and reports them; index is the input position", () => {
    const skipped: number[] = [];
    const rows = [...cflueRlRows([item(0), item(1, { answer: "Z" }), item(2)], { seed: 1, onSkip: (_, p) => skipped.push(p) })];
    expect(skipped).toEqual([1]);
    expect(rows.map((r) => r.extra_info.index)).toEqual([0, 2]);
  });
});
