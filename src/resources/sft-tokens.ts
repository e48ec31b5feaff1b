// Training tokens of the SFT datasets: from the data stage's statistics when it wrote them (records × mean Q+R+A
// tokens, exact Qwen2.5 counts), else estimated from the dataset files' characters (files over 16 MB: from a 1 MB
// sample of each, since parsing alone costs seconds per 100 MB). Loading the exact tokenizer takes
// seconds (and counting real data more), far beyond what `plan` may cost, so the files are counted by character class
// with rates fitted to the Qwen2.5 tokenizer on CFLUE/FinQA samples (README "Resources": ±3% on long Chinese text,
// up to ±20% on short tag-heavy records).
import { open, readFile, stat } from "node:fs/promises";
import type { DataStats } from "../data/stats.js";
import { filesOf, parseRecords } from "../tools/llamafactory/datasets.js";
import type { SftInput } from "./inputs.js";

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

/** Above this many bytes in all, files are not parsed (seconds per 100 MB) but sampled: see tokensFromBytes. */
export const PARSE_LIMIT_BYTES = 16 << 20;
export const SAMPLE_BYTES = 1 << 20;

interface DataFile {
  path: string;
  bytes: number;
  /** The key that appears once per record (alpaca prompt column, sharegpt messages column). */
  recordKey: string;
}

async function dataFiles(sft: Pick<SftInput, "datasets" | "dataset_files">): Promise<DataFile[] | undefined> {
  const out: DataFile[] = [];
  for (const name of sft.datasets) {
    const file = sft.dataset_files[name];
    if (!file) return undefined;
    const recordKey = file.formatting === "sharegpt" ? (file.columns?.messages ?? "conversations") : (file.columns?.prompt ?? "instruction");
    for (const path of await filesOf(file.path)) {
      if (!path.endsWith(".json") && !path.endsWith(".jsonl")) return undefined;
      out.push({ path, bytes: (await stat(path)).size, recordKey });
    }
  }
  return out;
}

/** Every record parsed and estimated, each capped at cutoff. */
async function tokensFromRecords(files: DataFile[], cutoff: number): Promise<TokenCount> {
  let tokens = 0;
  let records = 0;
  for (const f of files) {
    for (const r of parseRecords(await readFile(f.path, "utf8"), f.path)) {
      tokens += Math.min(approxTokens(recordText(r)) + QWEN_TEMPLATE_TOKENS, cutoff);
      records++;
    }
  }
  return { tokens: Math.round(tokens), records, source: "estimated from the dataset files' characters (Qwen2.5 rates, ±20%)" };
}

/** The text inside raw JSON, roughly: keys, escapes and structure removed (a few real commas and quotes go too). */
export function jsonText(raw: string): string {
  return raw
    .replace(/"[A-Za-z_][\w-]*"\s*:/g, "")
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\n/g, "\n")
    .replace(/\\(.)/g, "$1")
    .replace(/[{}[\],"]/g, "");
}

/**
 * Big files: the first SAMPLE_BYTES of each give tokens per byte (JSON keys, escapes and structure stripped) and records per
 * byte (occurrences of the record's key), scaled to the file size; the cutoff caps the mean record, not each one.
 */
async function tokensFromBytes(files: DataFile[], cutoff: number): Promise<TokenCount> {
  let tokens = 0;
  let records = 0;
  for (const f of files) {
    const handle = await open(f.path, "r");
    try {
      const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, f.bytes));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const sample = buffer.subarray(0, bytesRead).toString("utf8");
      const keys = sample.split(`"${f.recordKey}"`).length - 1;
      const fileRecords = Math.max(1, Math.round((keys * f.bytes) / bytesRead));
      const fileTokens = (approxTokens(jsonText(sample)) * f.bytes) / bytesRead + fileRecords * QWEN_TEMPLATE_TOKENS;
      tokens += fileRecords * Math.min(fileTokens / fileRecords, cutoff);
      records += fileRecords;
    } finally {
      await handle.close();
    }
  }
  return { tokens: Math.round(tokens), records, source: `estimated from the first ${SAMPLE_BYTES >> 20} MB of each dataset file, scaled to its size (±25%)` };
}

/** From the JSON/JSONL files; undefined when a file is missing, unreadable or binary. */
export async function tokensFromFiles(
  sft: Pick<SftInput, "datasets" | "dataset_files">,
  cutoff: number,
  parseLimitBytes = PARSE_LIMIT_BYTES,
): Promise<TokenCount | undefined> {
  try {
    const files = await dataFiles(sft);
    if (!files) return undefined;
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    return bytes <= parseLimitBytes ? await tokensFromRecords(files, cutoff) : await tokensFromBytes(files, cutoff);
  } catch {
    return undefined;
  }
}
