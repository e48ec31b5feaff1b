// CFLUE multiple-choice items → verl RL rows (prompt from a template file, gold letters as ground truth).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { OPTION_LETTERS } from "../scoring/answer.js";
import type { RlRow } from "./parquet.js";
import { distPath } from "../util/dist-path.js";

/** A CFLUE knowledge item with its options already parsed (CFLUE stores them as a Python-dict string). */
export interface CflueMcqItem {
  /** Stable identifier; when absent the split key is derived from the question and options. */
  id?: string | number;
  question: string;
  /** Option letter → option text, e.g. { A: "…", B: "…" }. */
  choices: Readonly<Record<string, string>>;
  /** Gold letters, e.g. "D" or "ABD" (判断题: A = 对, B = 错). */
  answer: string;
  /** 单项选择题 / 多项选择题 / 判断题. */
  task?: string;
}

export const RL_ROW_DEFAULTS = {
  templatePath: distPath("assets/prompts/cflue_mcq_rl.txt"),
  dataSource: "cflue_mcq",
  ability: "finance",
  /** Fraction of items routed to the validation split. */
  valFraction: 0.05,
  /** How the template names each CFLUE task; unknown tasks are named as they are. */
  questionTypes: {
    单项选择题: "单项选择题（只有一个正确选项）",
    多项选择题: "多项选择题（有两个或两个以上正确选项）",
    判断题: "判断题（A 表示正确，B 表示错误）",
  } as Record<string, string>,
  defaultQuestionType: "选择题",
} as const;

const REQUIRED_PLACEHOLDERS = ["question", "options"] as const;
const KNOWN_PLACEHOLDERS = new Set(["question", "options", "question_type"]);

export interface PromptTemplate {
  path: string;
  text: string;
}

/**
 * Read and check a prompt template. Placeholders are `{{question}}`, `{{options}}` (required) and
 * `{{question_type}}`; anything else in double braces is a ConfigError, so typos do not reach training.
 */
export function loadPromptTemplate(path: string = RL_ROW_DEFAULTS.templatePath): PromptTemplate {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, [{ path, message: `cannot read prompt template: ${(error as Error).message}` }]);
  }
  const used = new Set([...text.matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)].map((m) => m[1] as string));
  const problems = [
    ...REQUIRED_PLACEHOLDERS.filter((p) => !used.has(p)).map((p) => ({ path, message: `template lacks the {{${p}}} placeholder` })),
    ...[...used]
      .filter((p) => !KNOWN_PLACEHOLDERS.has(p))
      .map((p) => ({
        path,
        message: `unknown placeholder {{${p}}} (known: ${[...KNOWN_PLACEHOLDERS].join(", ")})`,
      })),
  ];
  if (problems.length) throw new ConfigError(path, problems);
  return { path, text };
}

/**
 * Sorted, de-duplicated gold letters, or null when the answer names no option the item has or uses a
 * letter beyond G (the reward only reads A–G, so such an item could never be rewarded).
 */
export function cflueGoldLetters(item: CflueMcqItem): string | null {
  const letters = [...new Set(item.answer.toUpperCase().replace(/[^A-Z]/g, ""))].sort();
  if (letters.length === 0 || letters.some((l) => !(l in item.choices) || !OPTION_LETTERS.includes(l))) return null;
  return letters.join("");
}

/** Fill the template for one item; options are listed as "A. text" lines in letter order. */
export function renderCfluePrompt(template: PromptTemplate, item: CflueMcqItem): string {
  const options = Object.keys(item.choices)
    .sort()
    .map((letter) => `${letter}. ${item.choices[letter]}`)
    .join("\n");
  const questionType = RL_ROW_DEFAULTS.questionTypes[item.task ?? ""] ?? item.task ?? RL_ROW_DEFAULTS.defaultQuestionType;
  const values: Record<string, string> = { question: item.question.trim(), options, question_type: questionType };
  // One pass, so text inside a question that looks like a placeholder is never expanded.
  return template.text.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_, name: string) => values[name] ?? "").trimEnd();
}

/** Key that decides an item's split: its id, else a hash of question + options (order-independent). */
export function cflueSplitKey(item: CflueMcqItem): string {
  if (item.id !== undefined) return `id:${item.id}`;
  const options = Object.keys(item.choices)
    .sort()
    .map((k) => `${k}=${item.choices[k]}`)
    .join("\u0000");
  return `q:${createHash("sha256").update(`${item.question}\u0000${options}`).digest("hex")}`;
}

/**
 * "train" or "val" from sha256(seed, key): the same item lands in the same split for the same seed no matter
 * where it appears in the input or what else is in it. The caller records the seed and fraction.
 */
export function assignSplit(key: string, seed: number | string, valFraction: number = RL_ROW_DEFAULTS.valFraction): "train" | "val" {
  const digest = createHash("sha256").update(`${seed}\u0000${key}`).digest();
  const unit = digest.readUIntBE(0, 6) / 2 ** 48;
  return unit < valFraction ? "val" : "train";
}

export interface CflueRowOptions {
  template?: PromptTemplate;
  dataSource?: string;
  ability?: string;
  /** Optional system message placed before the user prompt (none by default, as in the seed). */
  systemPrompt?: string;
}

/** One RL row. `split` and `index` are whatever the caller decided (see `cflueRlRows`). */
export function cflueItemToRlRow(item: CflueMcqItem, placement: { split: string; index: number }, options: CflueRowOptions = {}): RlRow | null {
  const gold = cflueGoldLetters(item);
  if (gold === null) return null;
  const template = options.template ?? loadPromptTemplate();
  const prompt: RlRow["prompt"] = [];
  if (options.systemPrompt) prompt.push({ role: "system", content: options.systemPrompt });
  prompt.push({ role: "user", content: renderCfluePrompt(template, item) });
  return {
    data_source: options.dataSource ?? RL_ROW_DEFAULTS.dataSource,
    prompt,
    ability: options.ability ?? RL_ROW_DEFAULTS.ability,
    reward_model: { style: "rule", ground_truth: gold },
    extra_info: { split: placement.split, index: placement.index },
  };
}

export interface CflueRlRowsOptions extends Omit<CflueRowOptions, "template"> {
  seed: number | string;
  valFraction?: number;
  /** Template file; defaults to the bundled cflue_mcq_rl.txt. */
  templatePath?: string;
  /** Called for each item that cannot become a row (no valid gold letters). */
  onSkip?: (item: CflueMcqItem, position: number) => void;
}

/**
 * Stream items into RL rows with their split. `index` is the item's position in the input, so a row can be
 * traced back to its source; the split itself does not depend on positions.
 */
export function* cflueRlRows(items: Iterable<CflueMcqItem>, options: CflueRlRowsOptions): Generator<RlRow> {
  const template = loadPromptTemplate(options.templatePath);
  let position = 0;
  for (const item of items) {
    const split = assignSplit(cflueSplitKey(item), options.seed, options.valFraction);
    const row = cflueItemToRlRow(item, { split, index: position }, { ...options, template });
    if (row) yield row;
    else options.onSkip?.(item, position);
    position++;
  }
}
