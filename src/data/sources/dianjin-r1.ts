// The released DianJin-R1-Data SFT files (Hugging Face DianJin/DianJin-R1-Data, folder train/) and the dataset
// names the recipe's LLaMA-Factory registry gives them. Records are alpaca-style: `instruction` (the whole prompt)
// and `output` (`<think>…</think>` then `<answer>…\boxed{…}…</answer>`); `input` is optional; any other keys are
// kept in `extra` (field names of the release are not confirmed yet, so unknown keys are not an error).
import { join } from "node:path";
import { FieldReader } from "./fields.js";
import { readJsonRecords } from "./json-records.js";

/** SFT registry name → file inside the downloaded dataset folder. */
export const DIANJIN_R1_SFT_FILES = {
  cflue_mcq_r1: "train/cflue_mcq.json",
  cflue_oe_r1: "train/cflue_oe.json",
  fin_qa_r1: "train/fin_qa.json",
} as const;

export type DianjinR1SftName = keyof typeof DIANJIN_R1_SFT_FILES;
export const DIANJIN_R1_SFT_NAMES = Object.keys(DIANJIN_R1_SFT_FILES) as DianjinR1SftName[];

export interface SftRecord {
  index: number;
  instruction: string;
  input: string;
  output: string;
  extra: Record<string, unknown>;
}

export function dianjinR1SftFile(datasetDir: string, name: DianjinR1SftName): string {
  return join(datasetDir, DIANJIN_R1_SFT_FILES[name]);
}

/** Streams one released SFT file, by registry name, from the dataset folder. */
export function readDianjinR1Sft(datasetDir: string, name: DianjinR1SftName): AsyncGenerator<SftRecord> {
  return readAlpacaSft(dianjinR1SftFile(datasetDir, name));
}

/** Streams any alpaca-style SFT file (instruction / input / output). */
export async function* readAlpacaSft(file: string): AsyncGenerator<SftRecord> {
  for await (const raw of readJsonRecords(file)) {
    const f = new FieldReader(file, { index: raw.index, line: raw.line }, raw.value);
    const { instruction: _i, input: _in, output: _o, ...extra } = raw.value;
    yield { index: raw.index, instruction: f.string("instruction"), input: f.optionalString("input") ?? "", output: f.string("output"), extra };
  }
}
