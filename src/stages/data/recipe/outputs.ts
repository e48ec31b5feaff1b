// Writes the stage's outputs: LLaMA-Factory alpaca files + dataset_info.json, the RL Parquet files (train/val), the
// statistics table, the per-item ledger, and last complete.json (sizes and hashes of everything), whose presence
// means the set is whole. Every file is written atomically and contains no timestamps, so the same inputs and
// journals give byte-identical files.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import type { DataStageConfig } from "../config.js";
import { writeFileAtomic } from "../../../util/atomic-write.js";
import { writeRlParquet, type RlRow } from "../../../data/parquet.js";
import { cflueRlRows } from "../../../data/rl-rows.js";
import type { CflueMcqItem } from "../../../data/sources/index.js";
import { RECIPE_LAYOUT } from "./defaults.js";
import type { SftSet } from "./items.js";
import { dataOutputs, rlFileNames, SET_LABELS, sftFileName } from "./layout.js";
import type { LedgerLine } from "./ledger.js";
import { statsMarkdown, statsRow, TOKENIZER_NAME, type DataStats } from "../../../data/stats.js";
import { partialInParallel } from "./stats-pool.js";
import { fsExtra } from "../../../util/fsx.js";

export interface SftOut {
  instruction: string;
  input: string;
  output: string;
}

export interface BuiltData {
  sft: Partial<Record<SftSet, SftOut[]>>;
  /** MCQs that failed every attempt (the RL pool), in input order; absent when the config builds no RL set. */
  rl?: CflueMcqItem[];
  rlTemplatePath?: string;
  ledger: LedgerLine[];
  /** Recorded in complete.json (seed, mode, counts); must be deterministic. */
  meta: Record<string, unknown>;
}

export interface CompleteRecord {
  meta: Record<string, unknown>;
  files: Record<string, { bytes: number; sha256: string }>;
}

/** One record per line inside the array: diff-friendly and still one JSON document LLaMA-Factory reads. */
export function alpacaJson(records: readonly SftOut[]): string {
  if (records.length === 0) return "[]\n";
  return `[\n${records.map((r) => JSON.stringify({ instruction: r.instruction, input: r.input, output: r.output })).join(",\n")}\n]\n`;
}

export function datasetInfo(config: DataStageConfig, sets: readonly SftSet[]): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  for (const set of sets)
    info[config.outputs[set]] = { file_name: sftFileName(config, set), columns: { prompt: "instruction", query: "input", response: "output" } };
  return info;
}

export function rlRows(config: DataStageConfig, items: readonly CflueMcqItem[], templatePath?: string): { train: RlRow[]; val: RlRow[] } {
  const train: RlRow[] = [];
  const val: RlRow[] = [];
  const rows = cflueRlRows(items, {
    seed: config.seed,
    valFraction: config.rl_val_fraction,
    ...(templatePath ? { templatePath } : {}),
    dataSource: "cflue_mcq",
  });
  for (const row of rows) (row.extra_info.split === "val" ? val : train).push(row);
  return { train, val };
}

async function sha256File(path: string): Promise<{ bytes: number; sha256: string }> {
  const data = await readFile(path);
  return { bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") };
}

export async function writeOutputs(config: DataStageConfig, outputDir: string, built: BuiltData): Promise<Record<string, string>> {
  const paths = dataOutputs(config, outputDir);
  // Gone first: from here until the new one is written, the stage's outputs do not count as complete.
  await (await fsExtra()).remove(paths.complete!);
  const sets = (Object.keys(SET_LABELS) as SftSet[]).filter((s) => built.sft[s] !== undefined);
  const written: string[] = [];
  const write = async (path: string, data: string) => {
    await writeFileAtomic(path, data);
    written.push(path);
  };
  for (const set of sets) await write(join(paths.sft_dir!, sftFileName(config, set)), alpacaJson(built.sft[set]!));
  await write(paths.dataset_info!, `${JSON.stringify(datasetInfo(config, sets), null, 2)}\n`);

  const stats: DataStats = { tokenizer: TOKENIZER_NAME, rows: [] };
  for (const set of sets)
    stats.rows.push(
      statsRow("SFT", { set: SET_LABELS[set].label, name: config.outputs[set], lang: SET_LABELS[set].lang }, await partialInParallel("sft", built.sft[set]!)),
    );
  if (built.rl && paths.rl_parquet) {
    const { train, val } = rlRows(config, built.rl, built.rlTemplatePath);
    const names = rlFileNames(config);
    const dir = join(outputDir, RECIPE_LAYOUT.rlDir);
    await (await fsExtra()).ensureDir(dir);
    await writeRlParquet(join(dir, names.train), train);
    await writeRlParquet(join(dir, names.val), val);
    written.push(join(dir, names.train), join(dir, names.val));
    stats.rows.push(statsRow("RL", { set: "CFLUE_MCQ", name: config.outputs.rl, lang: "zh" }, await partialInParallel("rl", [...train, ...val])));
  }
  await write(paths.stats_json!, `${JSON.stringify(stats, null, 2)}\n`);
  await write(paths.stats!, statsMarkdown(stats));
  await write(paths.ledger!, built.ledger.map((l) => JSON.stringify(l)).join("\n") + (built.ledger.length ? "\n" : ""));

  const complete: CompleteRecord = { meta: built.meta, files: {} };
  for (const path of written.sort()) complete.files[relative(outputDir, path)] = await sha256File(path);
  await writeFileAtomic(paths.complete!, `${JSON.stringify(complete, null, 2)}\n`);
  return paths;
}

/** Whole = complete.json is there and every file it lists has the recorded size. */
export async function outputsWhole(outputDir: string): Promise<boolean> {
  let record: CompleteRecord;
  try {
    record = JSON.parse(await readFile(join(outputDir, RECIPE_LAYOUT.complete), "utf8")) as CompleteRecord; // plan reads this: node:fs
  } catch {
    return false;
  }
  for (const [rel, { bytes }] of Object.entries(record.files ?? {})) {
    const s = await stat(join(outputDir, rel)).catch(() => undefined);
    if (!s || s.size !== bytes) return false;
  }
  return true;
}
