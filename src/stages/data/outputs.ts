// What the data stage hands on: the SFT files (one per built dataset, keyed by its name in dataset_info.json), the
// RL Parquet pair when it builds RL data, and the statistics SFT's estimate reads.
import { outputHandle } from "../../contract/outputs.js";

export type DataOutputs = {
  sft_dir: string;
  dataset_info: string;
  stats: string;
  stats_json: string;
  ledger: string;
  complete: string;
  rl_parquet?: string;
  rl_train?: string;
  rl_val?: string;
} & Record<string, string>;

export const dataStageOutputs = outputHandle<DataOutputs>("data");
