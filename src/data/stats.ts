// The paper's data statistics table: per set, its size and the mean Qwen2.5 token counts of the question (Q),
// the reasoning (R) and the answer (A), counted with the exact Qwen2.5 tokenizer. Written as Markdown and JSON.
import { countTokens } from "./tokens.js";
import { reasoningLayout } from "../scoring/index.js";

export interface StatsRow {
  split: "SFT" | "RL";
  /** Set label as in the paper (CFLUE_MCQ, CFLUE_OE, FinQA, CCC). */
  set: string;
  /** Dataset name as registered (cflue_mcq_r1, ...). */
  name: string;
  lang: "zh" | "en";
  size: number;
  /** Mean tokens; null when the set is empty (or has no reasoning, for RL). */
  question: number | null;
  reasoning: number | null;
  answer: number | null;
  /** SFT records whose output lacks the <think>/<answer> layout (not counted in R and A). */
  unparsed?: number;
}

export interface DataStats {
  tokenizer: string;
  rows: StatsRow[];
}

export const TOKENIZER_NAME = "Qwen2.5 (tokenizer.json of Qwen2.5-Instruct)";

/** Sums behind the means; token counts are integers, so partial sums merge exactly in any grouping. */
export interface StatsPartial {
  size: number;
  question: [sum: number, n: number];
  reasoning: [sum: number, n: number];
  answer: [sum: number, n: number];
  unparsed: number;
}

export function emptyPartial(): StatsPartial {
  return { size: 0, question: [0, 0], reasoning: [0, 0], answer: [0, 0], unparsed: 0 };
}

export function mergePartials(a: StatsPartial, b: StatsPartial): StatsPartial {
  const add = (x: [number, number], y: [number, number]): [number, number] => [x[0] + y[0], x[1] + y[1]];
  return {
    size: a.size + b.size,
    question: add(a.question, b.question),
    reasoning: add(a.reasoning, b.reasoning),
    answer: add(a.answer, b.answer),
    unparsed: a.unparsed + b.unparsed,
  };
}

function mean([sum, n]: [number, number]): number | null {
  return n === 0 ? null : Math.round((sum / n) * 100) / 100;
}

export interface SftRecordText {
  instruction: string;
  input: string;
  output: string;
}

export interface RlRowText {
  prompt: { content: string }[];
  reward_model: { ground_truth: string };
}

export function sftPartial(records: Iterable<SftRecordText>): StatsPartial {
  const p = emptyPartial();
  for (const rec of records) {
    p.size++;
    p.question[0] += countTokens(rec.input ? `${rec.instruction}\n${rec.input}` : rec.instruction);
    p.question[1]++;
    const layout = reasoningLayout(rec.output);
    if (!layout.ok) {
      p.unparsed++;
      continue;
    }
    p.reasoning[0] += countTokens(layout.think.trim());
    p.reasoning[1]++;
    p.answer[0] += countTokens(layout.answer.trim());
    p.answer[1]++;
  }
  return p;
}

export function rlPartial(rows: Iterable<RlRowText>): StatsPartial {
  const p = emptyPartial();
  for (const row of rows) {
    p.size++;
    p.question[0] += countTokens(row.prompt.map((m) => m.content).join("\n"));
    p.question[1]++;
    p.answer[0] += countTokens(row.reward_model.ground_truth);
    p.answer[1]++;
  }
  return p;
}

export interface SetMeta {
  set: string;
  name: string;
  lang: "zh" | "en";
}

export function statsRow(split: "SFT" | "RL", meta: SetMeta, p: StatsPartial): StatsRow {
  return {
    split,
    set: meta.set,
    name: meta.name,
    lang: meta.lang,
    size: p.size,
    question: mean(p.question),
    reasoning: split === "RL" ? null : mean(p.reasoning),
    answer: mean(p.answer),
    ...(p.unparsed ? { unparsed: p.unparsed } : {}),
  };
}

export interface SftStatsInput extends SetMeta {
  records: Iterable<SftRecordText>;
}

export function sftStats(input: SftStatsInput): StatsRow {
  return statsRow("SFT", input, sftPartial(input.records));
}

export function rlStats(input: SetMeta & { rows: Iterable<RlRowText> }): StatsRow {
  return statsRow("RL", input, rlPartial(input.rows));
}

const fmtInt = (n: number) => n.toLocaleString("en-US");
const fmtMean = (n: number | null) => (n === null ? "–" : n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

export function statsMarkdown(stats: DataStats): string {
  const lines = [
    "# Data statistics",
    "",
    `Mean token counts per record (${stats.tokenizer}): Q = question (instruction), R = reasoning (inside <think>), A = answer (inside <answer>; for RL, the gold letters).`,
    "",
    "| split | set | name | lang | size | Q | R | A |",
    "|---|---|---|---|---:|---:|---:|---:|",
    ...stats.rows.map(
      (r) => `| ${r.split} | ${r.set} | ${r.name} | ${r.lang} | ${fmtInt(r.size)} | ${fmtMean(r.question)} | ${fmtMean(r.reasoning)} | ${fmtMean(r.answer)} |`,
    ),
  ];
  const sftTotal = stats.rows.filter((r) => r.split === "SFT").reduce((n, r) => n + r.size, 0);
  lines.push("", `SFT total: ${fmtInt(sftTotal)}`);
  const unparsed = stats.rows.filter((r) => r.unparsed);
  if (unparsed.length) lines.push("", ...unparsed.map((r) => `${r.name}: ${fmtInt(r.unparsed!)} records without the <think>/<answer> layout (not in R and A)`));
  return `${lines.join("\n")}\n`;
}
