// Training tokens of the SFT datasets: from the data stage's statistics when it wrote them (records × mean Q+R+A
// tokens, exact Qwen2.5 counts), else estimated from the dataset files' characters. Loading the exact tokenizer takes
// seconds (and counting real data more), far beyond what `plan` may cost, so the files are counted by character class
// with rates fitted to the Qwen2.5 tokenizer on CFLUE/FinQA samples (README "Resources": ±3% on long Chinese text,
// up to ±20% on short tag-heavy records).
import { readFile } from "node:fs/promises";
import type { DataStats } from "../data/recipe/stats.js";
import type { SftStageConfig } from "../config/stages/sft.js";
import { filesOf, parseRecords } from "../tools/llamafactory/datasets.js";

/**
 * Tokens the qwen chat template adds per record around the text: the default system prompt and the role markers
 * (`<|im_start|>system\n…<|im_end|>\n<|im_start|>user\n<|im_end|>\n<|im_start|>assistant\n<|im_end|>\n`);
 * a test checks it against the tokenizer.
 */
export const QWEN_TEMPLATE_TOKENS = 34;

/** Qwen2.5 tokens per character: CJK ideographs ~0.6, digits 1 (split one by one), Latin letters ~1/4.5. */
const RATES = { cjk: 0.6, digit: 1, latin: 0.22, space: 0.1, other: 0.8 } as const;

export interface TokenCount {
  /** Tokens of one epoch (each record capped at cutoff_len). */
  tokens: number;
  records: number;
  source: string;
}

/** Approximate Qwen2.5 token count of a text, from its characters. */
export function approxTokens(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0x20000 && c <= 0x2ffff)) n += RATES.cjk;
    else if (c >= 48 && c <= 57) n += RATES.digit;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) n += RATES.latin;
    else if (c === 32 || c === 10 || c === 9 || c === 13) n += RATES.space;
    else n += RATES.other;
  }
  return n;
}

/** Every string in a record (alpaca columns, sharegpt messages) joined: the text the template wraps. */
export function recordText(record: unknown): string {
  if (typeof record === "string") return record;
  if (Array.isArray(record)) return record.map(recordText).filter(Boolean).join("\n");
  if (record && typeof record === "object") return Object.values(record).map(recordText).filter(Boolean).join("\n");
  return "";
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
  const tokens = texts.reduce((n, t) => n + Math.min(approxTokens(t) + QWEN_TEMPLATE_TOKENS, cutoff), 0);
  return { tokens: Math.round(tokens), records: texts.length, source: "estimated from the dataset files' characters (Qwen2.5 rates, ±20%)" };
}
