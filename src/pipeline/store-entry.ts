// The store's layout and its entries. An entry is `<store>/<stage>/<key>/`: the stage's output folder, moved there
// whole (`output/`), and `entry.json`, the proof it is complete: who built it and when. An entry exists only once
// complete: it is put together under a `.publishing-*` name and renamed into place (store-publish.ts).
import { readFile, stat } from "node:fs/promises";
import { join, sep } from "node:path";

/** Who built an entry (or holds a key's lock): enough for a person to find the run. */
export interface Builder {
  experiment: string;
  workdir: string;
  host: string;
  pid: number;
}

export interface EntryManifest {
  version: 1;
  stage: string;
  key: string;
  builtBy: Builder;
  /** When the stage was proved complete and stored. */
  builtAt: string;
  /** What the key was made from, to say what an entry is. */
  keyInputs: Record<string, unknown>;
}

export interface StoredEntry {
  dir: string;
  output: string;
  manifest: EntryManifest;
}

/** Entry folders and the store's own folders (refs, locks) never share a name: stage names have no dot or "refs". */
export const REFS_DIR = "refs";
export const LOCKS_DIR = "locks";
export const PUBLISHING_PREFIX = ".publishing-";

export function entryDir(store: string, stage: string, key: string): string {
  return join(store, stage, key);
}

export function entryOutput(dir: string): string {
  return join(dir, "output");
}

export function manifestFile(dir: string): string {
  return join(dir, "entry.json");
}

/** The complete entry for a stage key, or undefined (none, or not a complete one). */
export async function readEntry(store: string, stage: string, key: string): Promise<StoredEntry | undefined> {
  const dir = entryDir(store, stage, key);
  try {
    const manifest = JSON.parse(await readFile(manifestFile(dir), "utf8")) as EntryManifest;
    if (manifest.version !== 1 || manifest.key !== key || manifest.stage !== stage) return undefined;
    if (!(await stat(entryOutput(dir))).isDirectory()) return undefined;
    return { dir, output: entryOutput(dir), manifest };
  } catch {
    return undefined;
  }
}

function clock(iso: string): string {
  return iso.replace("T", " ").slice(0, 16);
}

/** "experiment lr1 (runs/lr1 on gpu-3) at 2026-12-03 12:04" */
export function builtWords(m: EntryManifest): string {
  return `experiment ${m.builtBy.experiment} (${m.builtBy.workdir} on ${m.builtBy.host}) at ${clock(m.builtAt)} UTC`;
}

/** `path` if it is `from` or under it, as the same path under `to`; undefined otherwise. */
export function movedPath(path: string, from: string, to: string): string | undefined {
  return path === from || path.startsWith(from + sep) ? to + path.slice(from.length) : undefined;
}

/** The outputs of a stage as they are in the entry: each path under the stage's output folder, under the entry's. */
export function outputsInEntry(outputs: Readonly<Record<string, string>>, stageOutput: string, entryOut: string): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).map(([name, p]) => [name, movedPath(p, stageOutput, entryOut) ?? p]));
}
