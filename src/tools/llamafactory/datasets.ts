// Checks the SFT data files the way LLaMA-Factory will read them, so a bad file fails before any GPU starts.
import { readFile, stat, readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import type { Problem } from "../../errors.js";
import type { SftStageConfig } from "../../config/stages/sft.js";

type DatasetFile = SftStageConfig["dataset_files"][string];

const ALLOWED = new Set([".json", ".jsonl", ".csv", ".parquet", ".arrow", ".txt"]);
/** How many records are checked field by field; the whole file is still parsed. */
const RECORDS_CHECKED = 1000;

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

function recordProblem(record: unknown, index: number, file: DatasetFile): string | undefined {
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

export async function checkDatasetFile(name: string, file: DatasetFile, path: string): Promise<Problem[]> {
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
    let records: unknown[];
    try {
      records = parseRecords(await readFile(f, "utf8"), f);
    } catch (error) {
      problems.push({ path, message: `${f}: ${(error as Error).message}` });
      continue;
    }
    if (!records.length) problems.push({ path, message: `${f} holds no records` });
    for (let i = 0; i < Math.min(records.length, RECORDS_CHECKED); i++) {
      const why = recordProblem(records[i], i, file);
      if (why) {
        problems.push({ path, message: `${f}: ${why} (formatting ${file.formatting})` });
        break;
      }
    }
  }
  return problems;
}
