// Prompts for benchmark records given in their native formats. They ask for the layout DianJin-R1 is trained on
// (<think>…</think><answer>…\boxed{…}</answer>) so the scorers read the last box. Records that bring their own
// `prompt`/`instruction`/`messages` are sent as they are.
import type { CflueMcqItem, ComplianceDialogue, FinQaItem } from "../../../data/sources/index.js";

/** Bump when a template below changes meaning: it is part of the stage key. */
export const PROMPT_VERSION = 1;

const LAYOUT = "请先在 <think></think> 中写出推理过程，再在 <answer></answer> 中给出最终答案，并把最终答案放进 \\boxed{} 中。";

export function cfluePrompt(item: Pick<CflueMcqItem, "task" | "question" | "choices">): string {
  const options = Object.entries(item.choices)
    .map(([letter, text]) => `${letter}. ${text}`)
    .join("\n");
  const how =
    item.task === "多项选择题" ? "（多选题：把所有正确选项的字母按字母顺序连写，例如 \\boxed{AC}）" : "（把所选选项的字母放进 \\boxed{}，例如 \\boxed{B}）";
  return `你是一位金融领域的专家。请回答下面这道${item.task}。${LAYOUT}${how}\n\n题目：${item.question}\n选项：\n${options}`;
}

function table(rows: readonly string[][]): string {
  return rows.map((r) => `| ${r.join(" | ")} |`).join("\n");
}

export function finqaPrompt(item: Pick<FinQaItem, "preText" | "postText" | "table" | "question">): string {
  return [
    "You are a financial analyst. Answer the question using the report excerpt and table below.",
    "Think inside <think></think>, then give the final answer inside <answer></answer> with the number (or yes/no) in \\boxed{}.",
    "",
    item.preText.join("\n"),
    "",
    table(item.table),
    "",
    item.postText.join("\n"),
    "",
    `Question: ${item.question}`,
  ].join("\n");
}

export function cccPrompt(item: Pick<ComplianceDialogue, "dialogue" | "checks">): string {
  const turns = item.dialogue.map((t) => `${t.speaker}：${t.text}`).join("\n");
  const checks = item.checks.length ? `\n\n需要检查的规则：\n${item.checks.map((c, i) => `${i + 1}. ${c.description}`).join("\n")}` : "";
  return `你是一位金融客服合规质检专家。请判断下面的客服对话是否存在违规。${LAYOUT}（最终答案只写 \\boxed{违规} 或 \\boxed{合规}）\n\n对话：\n${turns}${checks}`;
}

/** Judge prompt for FinQA (the paper's judge prompt is not published; this one is ours). */
export function finqaJudgePrompt(question: string, gold: string | number, answer: string): string {
  return [
    "You are grading an answer to a financial question. Decide whether the model's final answer matches the reference answer.",
    "Treat equal values written differently as matching (e.g. 0.0937 and 9.37%, rounding to the precision shown, units spelled out). A different value, sign or yes/no is wrong.",
    "Reply with one short sentence of reasoning, then \\boxed{1} if it matches or \\boxed{0} if it does not.",
    "",
    `Question: ${question}`,
    `Reference answer: ${gold}`,
    `Model's final answer: ${answer}`,
  ].join("\n");
}
