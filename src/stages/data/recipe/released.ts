// `released:` mode: the DianJin-R1-Data release's SFT files used as they are (no model calls), rewritten as the
// same alpaca files, names and dataset_info.json the recipe writes, with the same statistics table.
import { stat } from "node:fs/promises";
import type { DataStageConfig } from "../config.js";
import { DIANJIN_R1_SFT_FILES, DIANJIN_R1_SFT_NAMES, dianjinR1SftFile, readDianjinR1Sft, type DianjinR1SftName } from "../../../data/sources/dianjin-r1.js";
import { downloadFromHub, type HubCli } from "./hub.js";
import type { SftSet } from "./items.js";
import type { LedgerLine } from "./ledger.js";
import type { BuiltData, SftOut } from "./outputs.js";

export const RELEASE_SETS: Record<DianjinR1SftName, SftSet> = { cflue_mcq_r1: "cflue_mcq", cflue_oe_r1: "cflue_oe", fin_qa_r1: "finqa" };

/** The release folder (downloaded first when `released` names a hub dataset). */
export async function releasedDir(
  config: DataStageConfig,
  downloadRoot: string,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<string> {
  const released = config.released!;
  if (typeof released === "string") return released;
  return downloadFromHub(released.hub, Object.values(DIANJIN_R1_SFT_FILES), downloadRoot, config.hub_cli as HubCli, options);
}

export async function missingReleaseFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const name of DIANJIN_R1_SFT_NAMES) if (!(await stat(dianjinR1SftFile(dir, name)).catch(() => undefined))) missing.push(dianjinR1SftFile(dir, name));
  return missing;
}

export async function readRelease(config: DataStageConfig, dir: string): Promise<BuiltData> {
  const sft: Partial<Record<SftSet, SftOut[]>> = {};
  const ledger: LedgerLine[] = [];
  for (const name of DIANJIN_R1_SFT_NAMES) {
    const set = RELEASE_SETS[name];
    const records: SftOut[] = [];
    for await (const r of readDianjinR1Sft(dir, name)) {
      records.push({ instruction: r.instruction, input: r.input, output: r.output });
      ledger.push({ id: `${name}:${r.index}`, source: "released", status: "sft", set });
    }
    sft[set] = records;
  }
  return { sft, ledger, meta: { mode: "released", counts: Object.fromEntries(Object.entries(sft).map(([k, v]) => [config.outputs[k as SftSet], v!.length])) } };
}
