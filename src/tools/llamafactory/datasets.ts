// Checks the SFT data files the way LLaMA-Factory will read them, so a bad file fails before any GPU starts.
import { stat, readdir } from "node:fs/promises";
import { columnsQuickCheck, scanDataset } from "./dataset-scan.js";
import { extname, join } from "node:path";
import type { Problem } from "../../errors.js";

/** One dataset as dataset_info.json registers it (the stage's dataset_files entries are assignable to this). */
export interface LlamaFactoryDatasetFile {
  /** A JSON/JSONL file or a folder of data files. */
  path: string;
  formatting: "alpaca" | "sharegpt";
  /** Column mapping as in dataset_info.json. */
  columns?: Record<string, string>;
  /** sharegpt role/content tag names. */
  tags?: Record<string, string>;
}

const ALLOWED = new Set([".json", ".jsonl", ".csv", ".parquet", ".arrow", ".txt"]);

export async function filesOf(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  return (await readdir(path)).filter((f) => !f.startsWith(".")).map((f) => join(path, f));
}

export function parseRecords(text: string, file: string): unknown[] {
  if (file.endsWith(".jsonl")) {
    return text
      .split("\n")
      .map((line, i) => ({ line, i }))
      .filter(({ line }) => line.trim() !== "")
      .map(({ line, i }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (error) {
          throw new Error(`line ${i + 1} is not valid JSON (${(error as Error).message})`);
        }
      });
  }
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error("expected a JSON array of records");
  return parsed;
}

function requiredColumns(file: LlamaFactoryDatasetFile): Array<{ name: string; kind: "string" | "list" }> {
  if (file.formatting === "alpaca")
    return [
      { name: file.columns?.prompt ?? "instruction", kind: "string" },
      { name: file.columns?.response ?? "output", kind: "string" },
    ];
  return [{ name: file.columns?.messages ?? "conversations", kind: "list" }];
}

function recordProblem(record: unknown, index: number, file: LlamaFactoryDatasetFile): string | undefined {
  if (!record || typeof record !== "object" || Array.isArray(record)) return `record ${index} is not an object`;
  const r = record as Record<string, unknown>;
  if (file.formatting === "alpaca") {
    const prompt = file.columns?.prompt ?? "instruction";
    const response = file.columns?.response ?? "output";
    for (const column of [prompt, response]) {
      if (typeof r[column] !== "string") return `record ${index} has no string field "${column}"`;
    }
    return undefined;
  }
  const messages = file.columns?.messages ?? "conversations";
  if (!Array.isArray(r[messages]) || (r[messages] as unknown[]).length === 0) return `record ${index} has no list "${messages}"`;
  return undefined;
}

export async function checkDatasetFile(name: string, file: LlamaFactoryDatasetFile, path: string): Promise<Problem[]> {
  let files: string[];
  try {
    files = await filesOf(file.path);
  } catch {
    return [{ path, message: `file not found: ${file.path}` }];
  }
  if (!files.length) return [{ path, message: `folder ${file.path} holds no data files` }];
  const exts = new Set(files.map((f) => extname(f)));
  if ([...exts].some((e) => !ALLOWED.has(e))) return [{ path, message: `LLaMA-Factory reads only ${[...ALLOWED].join(", ")} files` }];
  if (exts.size > 1) return [{ path, message: `all files of dataset ${name} must share one type (found ${[...exts].join(", ")})` }];

  const problems: Problem[] = [];
  for (const f of files) {
    if (!f.endsWith(".json") && !f.endsWith(".jsonl")) continue; // binary formats are left to the tool
    const scan = await scanDataset(f, (record, index) => recordProblem(record, index, file), { quick: columnsQuickCheck(requiredColumns(file)) });
    for (const message of scan.problems)
      problems.push({ path, message: `${message}${/record \d+ has|is not an object/.test(message) ? ` (formatting ${file.formatting})` : ""}` });
    if (scan.badRecords > 1) problems.push({ path, message: `${f}: ${scan.badRecords} of ${scan.rows} records are unusable in all` });
    if (!scan.rows && !scan.problems.length) problems.push({ path, message: `${f} holds no records` });
  }
  return problems;
}
