// Which files the data stage writes, by name, from the config alone (so `plan` and later stages know them before
// the stage has run). Names: sft_dir, dataset_info, stats, stats_json, ledger, complete, rl_parquet (= rl_train), rl_train, rl_val,
// and one entry per registered SFT dataset name (cflue_mcq_r1: <sft_dir>/cflue_mcq_r1.json, ...).
import type { DataOutputs } from "../outputs.js";
import { join } from "node:path";
import type { DataStageConfig } from "../config.js";
import { RECIPE_LAYOUT } from "./defaults.js";
import type { SftSet } from "./items.js";

export const SET_LABELS: Record<SftSet, { label: string; lang: "zh" | "en" }> = {
  cflue_mcq: { label: "CFLUE_MCQ", lang: "zh" },
  cflue_oe: { label: "CFLUE_OE", lang: "zh" },
  finqa: { label: "FinQA", lang: "en" },
  ccc: { label: "CCC", lang: "zh" },
};

/** SFT sets this config produces, in the paper's order. */
export function producedSets(config: DataStageConfig): SftSet[] {
  if (config.released !== undefined) return ["cflue_mcq", "cflue_oe", "finqa"];
  const s = config.sources ?? {};
  const sets: SftSet[] = [];
  if (s.cflue_mcq) sets.push("cflue_mcq");
  if (s.cflue_open || (s.cflue_mcq && config.convert_fraction > 0)) sets.push("cflue_oe");
  if (s.finqa) sets.push("finqa");
  if (s.compliance) sets.push("ccc");
  return sets;
}

export function producesRl(config: DataStageConfig): boolean {
  return config.released === undefined && config.sources?.cflue_mcq !== undefined;
}

export function sftFileName(config: DataStageConfig, set: SftSet): string {
  return `${config.outputs[set]}.json`;
}

export function rlFileNames(config: DataStageConfig): { train: string; val: string } {
  return { train: `${config.outputs.rl}_train.parquet`, val: `${config.outputs.rl}_val.parquet` };
}

export function dataOutputs(config: DataStageConfig, outputDir: string): DataOutputs {
  const sftDir = join(outputDir, RECIPE_LAYOUT.sftDir);
  const out: DataOutputs = {
    sft_dir: sftDir,
    dataset_info: join(outputDir, RECIPE_LAYOUT.datasetInfo),
    stats: join(outputDir, RECIPE_LAYOUT.statsMd),
    stats_json: join(outputDir, RECIPE_LAYOUT.statsJson),
    ledger: join(outputDir, RECIPE_LAYOUT.ledger),
    complete: join(outputDir, RECIPE_LAYOUT.complete),
  };
  if (producesRl(config)) {
    const rl = rlFileNames(config);
    // rl_train / rl_val are what the GRPO stage reads; rl_parquet names the training file too.
    out.rl_parquet = join(outputDir, RECIPE_LAYOUT.rlDir, rl.train);
    out.rl_train = out.rl_parquet;
    out.rl_val = join(outputDir, RECIPE_LAYOUT.rlDir, rl.val);
  }
  for (const set of producedSets(config)) out[config.outputs[set]] = join(sftDir, sftFileName(config, set));
  return out;
}
