// Work items of the recipe: every source record becomes one item with the SFT instruction already rendered, its
// reference answer and explanation (for the judge), and the set it is headed for.
import type { CflueMcqItem, CflueOpenItem, ComplianceDialogue, FinQaItem } from "../../../data/sources/index.js";
import { renderCfluePrompt, type PromptTemplate } from "../../../data/rl-rows.js";
import { renderTemplate } from "./template.js";
import type { Prompts } from "./prompts.js";

/** The four SFT sets of DianJin-R1. */
export const SFT_SETS = ["cflue_mcq", "cflue_oe", "finqa", "ccc"] as const;
export type SftSet = (typeof SFT_SETS)[number];
export type SourceName = "cflue_mcq" | "cflue_open" | "finqa" | "compliance";

export interface RecipeItem {
  /** Stable id: `<source>:<record index>` (FinQA and compliance add their own id), unique in a build. */
  id: string;
  source: SourceName;
  set: SftSet;
  /** The SFT prompt (alpaca `instruction`), also the distillation request. */
  instruction: string;
  /** The question text alone (length filter, checker, judge). */
  question: string;
  /** Gold: option letters (MCQ), reference text (open-ended, FinQA) or verdict (compliance). */
  reference: string;
  /** CFLUE analysis, FinQA program and executed value; may be empty. */
  explanation: string;
  mcq?: CflueMcqItem;
  dialogue?: ComplianceDialogue;
}

export function optionLines(choices: Readonly<Record<string, string>>): string {
  return Object.keys(choices)
    .sort()
    .map((k) => `${k}. ${choices[k]}`)
    .join("\n");
}

export function mcqItem(item: CflueMcqItem, mcqTemplate: PromptTemplate): RecipeItem {
  return {
    id: `cflue_mcq:${item.index}`,
    source: "cflue_mcq",
    set: "cflue_mcq",
    instruction: renderCfluePrompt(mcqTemplate, item),
    question: item.question,
    reference: item.answer,
    explanation: item.analysis ?? "",
    mcq: item,
  };
}

/** An MCQ rewritten as an open-ended question by the converter. */
export function convertedItem(from: RecipeItem, question: string, reference: string, prompts: Prompts): RecipeItem {
  return {
    id: from.id,
    source: from.source,
    set: "cflue_oe",
    instruction: renderTemplate(prompts.question_oe, { question }),
    question,
    reference,
    explanation: from.explanation,
  };
}

export function openItem(item: CflueOpenItem, prompts: Prompts): RecipeItem {
  // CFLUE application items carry a complete prompt already; the input column, when used, follows it.
  const question = item.input ? `${item.instruction}\n${item.input}` : item.instruction;
  return {
    id: `cflue_open:${item.index}`,
    source: "cflue_open",
    set: "cflue_oe",
    instruction: renderTemplate(prompts.question_oe, { question }),
    question,
    reference: item.output,
    explanation: "",
  };
}

export function finqaItem(item: FinQaItem, prompts: Prompts): RecipeItem {
  const context = [...item.preText, ...item.postText].filter((s) => s.trim() !== "" && s.trim() !== ".").join("\n");
  const table = item.table.map((row) => `| ${row.join(" | ")} |`).join("\n");
  const reference = item.answer !== undefined && item.answer !== "" ? item.answer : String(item.exeAns ?? "");
  const explanation = [item.program ? `program: ${item.program}` : "", item.exeAns !== undefined ? `executed value: ${item.exeAns}` : ""]
    .filter(Boolean)
    .join("\n");
  return {
    id: `finqa:${item.index}:${item.id}`,
    source: "finqa",
    set: "finqa",
    instruction: renderTemplate(prompts.question_finqa, { context, table, question: item.question }),
    question: item.question,
    reference,
    explanation,
  };
}

export const VERDICT_LABELS = { violation: "违规", compliant: "合规" } as const;

export function dialogueText(d: ComplianceDialogue): string {
  return d.dialogue.map((t) => `${t.speaker}：${t.text}`).join("\n");
}

export function checksText(d: ComplianceDialogue): string {
  return d.checks.map((c, i) => `${i + 1}. ${c.description}`).join("\n");
}

export function complianceItem(d: ComplianceDialogue, prompts: Prompts): RecipeItem {
  const dialogue = dialogueText(d);
  return {
    id: `compliance:${d.index}:${d.id}`,
    source: "compliance",
    set: "ccc",
    instruction: renderTemplate(prompts.question_ccc, { dialogue, checks: checksText(d) }),
    question: dialogue,
    reference: VERDICT_LABELS[d.verdict],
    explanation: d.checks
      .filter((c) => c.reasoning)
      .map((c) => `${c.id}: ${c.reasoning}`)
      .join("\n"),
    dialogue: d,
  };
}
