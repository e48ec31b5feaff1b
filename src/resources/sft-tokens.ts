// Training tokens of the SFT datasets: from the data stage's statistics when it wrote them (records × mean Q+R+A
// tokens, exact Qwen2.5 counts), else counted from the dataset files. Counting every record with the exact tokenizer
// costs about a second per few MB, too slow for `plan` on real data: up to EXACT_CHAR_LIMIT characters every record
// is counted exactly; beyond, the tokens-per-character ratio of an evenly spaced sample of records is applied to the
// character total (error a few percent; README "Resources").
import { readFile } from "node:fs/promises";
import { countTokens } from "../data/tokens.js";
import type { DataStats } from "../data/recipe/stats.js";
import type { SftStageConfig } from "../config/stages/sft.js";
import { filesOf, parseRecords } from "../tools/llamafactory/datasets.js";

export const EXACT_CHAR_LIMIT = 1_000_000;
export const SAMPLE_RECORDS = 400;
/**
 * Tokens the qwen chat template adds per record around the text: the default system prompt and the role markers
 * (`<|im_start|>system\n…<|im_end|>\n<|im_start|>user\n<|im_end|>\n<|im_start|>assistant\n<|im_end|>\n`);
 * a test checks it against the tokenizer.
 */
export const QWEN_TEMPLATE_TOKENS = 34;

export interface TokenCount {
  /** Tokens of one epoch (each record capped at cutoff_len, when counted from files). */
  tokens: number;
  records: number;
  source: string;
}

/** Every string in a record (alpaca columns, sharegpt messages) joined: the text the template wraps. */
export function recordText(record: unknown): string {
  if (typeof record === "string") return record;
  if (Array.isArray(record)) return record.map(recordText).filter(Boolean).join("\n");
  if (record && typeof record === "object") return Object.values(record).map(recordText).filter(Boolean).join("\n");
  return "";
}

/** Pure: token count of texts, exact or sampled by the rule above. */
export function countRecordTokens(texts: readonly string[], cutoff: number, count: (t: string) => number = countTokens): { tokens: number; exact: boolean } {
  const chars = texts.reduce((n, t) => n + t.length, 0);
  const cap = (t: number) => Math.min(t + QWEN_TEMPLATE_TOKENS, cutoff);
  if (chars <= EXACT_CHAR_LIMIT) return { tokens: texts.reduce((n, t) => n + cap(count(t)), 0), exact: true };
  const step = texts.length / SAMPLE_RECORDS;
  let sampleChars = 0;
  let sampleTokens = 0;
  for (let i = 0; i < SAMPLE_RECORDS; i++) {
    const t = texts[Math.floor(i * step)]!;
    sampleChars += t.length;
    sampleTokens += count(t);
  }
  const perChar = sampleChars ? sampleTokens / sampleChars : 0;
  return { tokens: Math.round(texts.reduce((n, t) => n + cap(t.length * perChar), 0)), exact: false };
}

/** From stats.json rows of the named datasets; undefined unless every dataset has a row. */
export function tokensFromStats(stats: DataStats, datasets: readonly string[], cutoff: number): TokenCount | undefined {
  let tokens = 0;
  let records = 0;
  for (const name of datasets) {
    const row = stats.rows.find((r) => r.split === "SFT" && r.name === name);
    if (!row) return undefined;
    const perRecord = (row.question ?? 0) + (row.reasoning ?? 0) + (row.answer ?? 0) + QWEN_TEMPLATE_TOKENS;
    tokens += row.size * Math.min(perRecord, cutoff);
    records += row.size;
  }
  return { tokens: Math.round(tokens), records, source: "data stage statistics (mean Q+R+A tokens × records)" };
}

export async function readStats(path: string | undefined): Promise<DataStats | undefined> {
  if (!path) return undefined;
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as DataStats;
    return Array.isArray(parsed.rows) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Counted from the JSON/JSONL files; undefined when a file is missing, unreadable or binary. */
export async function tokensFromFiles(sft: SftStageConfig, cutoff: number): Promise<TokenCount | undefined> {
  const texts: string[] = [];
  for (const name of sft.datasets) {
    const file = sft.dataset_files[name];
    if (!file) return undefined;
    try {
      for (const f of await filesOf(file.path)) {
        if (!f.endsWith(".json") && !f.endsWith(".jsonl")) return undefined;
        for (const r of parseRecords(await readFile(f, "utf8"), f)) texts.push(recordText(r));
      }
    } catch {
      return undefined;
    }
  }
  const { tokens, exact } = countRecordTokens(texts, cutoff);
  return { tokens, records: texts.length, source: exact ? "counted in the dataset files (exact Qwen2.5 tokenizer)" : `counted in the dataset files (Qwen2.5 tokens per character of ${SAMPLE_RECORDS} sampled records)` };
}
