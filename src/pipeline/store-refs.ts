// References: every experiment whose state points at a store entry leaves a file under
// `<store>/refs/<stage>/<key>/`, so `gc` can tell which entries are still used. A reference is live only while that
// experiment's state.json still records the stage's outputs inside the entry; otherwise it is stale.
import { mkdir, readFile, readdir, rm } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { sha256 } from "../util/stable-json.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { readState } from "./state.js";
import { REFS_DIR } from "./store-entry.js";

export interface EntryRef {
  experiment: string;
  workdir: string;
  stage: string;
  key: string;
  at: string;
  file: string;
}

export function refsDir(store: string, stage: string, key: string): string {
  return join(store, REFS_DIR, stage, key);
}

/** Records that `workdir`'s experiment uses the entry (one file per workdir: recording again only updates it). */
export async function addRef(store: string, stage: string, key: string, experiment: string, workdir: string): Promise<void> {
  const dir = refsDir(store, stage, key);
  await mkdir(dir, { recursive: true });
  const abs = resolve(workdir);
  await writeJsonAtomic(join(dir, `${sha256(abs).slice(0, 16)}.json`), { experiment, workdir: abs, stage, key, at: new Date().toISOString() });
}

export async function listRefs(store: string, stage: string, key: string): Promise<EntryRef[]> {
  const dir = refsDir(store, stage, key);
  const names = await readdir(dir).catch(() => [] as string[]);
  const refs: EntryRef[] = [];
  for (const name of names.filter((n) => n.endsWith(".json"))) {
    try {
      refs.push({ ...(JSON.parse(await readFile(join(dir, name), "utf8")) as Omit<EntryRef, "file">), file: join(dir, name) });
    } catch {
      // half-written or foreign: not a reference
    }
  }
  return refs;
}

/** Whether the referring experiment's state still records this stage's outputs inside `entry`. */
export async function refIsLive(ref: EntryRef, entry: string): Promise<boolean> {
  const state = await readState(ref.workdir, ref.experiment);
  const outputs = Object.values(state.stages[ref.stage]?.outputs ?? {});
  return outputs.some((p) => p === entry || p.startsWith(entry + sep));
}

export async function removeRefs(store: string, stage: string, key: string): Promise<void> {
  await rm(refsDir(store, stage, key), { recursive: true, force: true });
}
