// `gc` of a store: entries no experiment references any more (every reference stale: its workdir's state no longer
// records outputs inside the entry), and what a publish that died half-way left (`.publishing-*` of a dead process).
// An entry whose key lock is held (being reused or rebuilt right now) is left alone.
import { readdir, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { isAlive } from "../launch/process-tree.js";
import { diskUsage } from "../util/disk.js";
import { entryDir, LOCKS_DIR, PUBLISHING_PREFIX, readEntry, REFS_DIR } from "./store-entry.js";
import { tryHoldKey } from "./store-lock.js";
import { listRefs, refIsLive, removeRefs, type EntryRef } from "./store-refs.js";

export interface StoreFinding {
  stage: string;
  key: string;
  path: string;
  bytes: number;
  /** "unreferenced": removed (or would be); "referenced": kept, by `users`; "in use": its lock is held; "leftover". */
  kind: "unreferenced" | "referenced" | "in use" | "leftover";
  users: string[];
}

async function folders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
}

/** `.publishing-<key>-<host>-<pid>` left by a process of this host that is gone. */
function deadLeftover(name: string): boolean {
  const m = /-([^-]+)-(\d+)$/.exec(name.slice(PUBLISHING_PREFIX.length));
  return m !== null && m[1] === hostname() && !isAlive(Number(m[2]));
}

async function liveUsers(store: string, stage: string, key: string): Promise<{ live: EntryRef[]; stale: EntryRef[] }> {
  const refs = await listRefs(store, stage, key);
  const dir = entryDir(store, stage, key);
  const live: EntryRef[] = [];
  const stale: EntryRef[] = [];
  for (const ref of refs) ((await refIsLive(ref, dir)) ? live : stale).push(ref);
  return { live, stale };
}

/** Every entry and leftover, judged; removed unless `dryRun` (stale references of kept entries are removed too). */
export async function collectStore(store: string, options: { dryRun?: boolean } = {}): Promise<StoreFinding[]> {
  const found: StoreFinding[] = [];
  for (const stage of await folders(store)) {
    if (stage === REFS_DIR || stage === LOCKS_DIR) continue;
    for (const name of await folders(join(store, stage))) {
      const path = join(store, stage, name);
      if (name.startsWith(PUBLISHING_PREFIX)) {
        if (!deadLeftover(name)) continue;
        found.push({ stage, key: name, path, bytes: await diskUsage(path), kind: "leftover", users: [] });
        if (!options.dryRun) await rm(path, { recursive: true, force: true });
        continue;
      }
      if (!(await readEntry(store, stage, name))) continue;
      found.push(await judge(store, stage, name, options.dryRun === true));
    }
  }
  return found;
}

async function judge(store: string, stage: string, key: string, dryRun: boolean): Promise<StoreFinding> {
  const path = entryDir(store, stage, key);
  const base = { stage, key, path };
  const lock = dryRun ? undefined : await tryHoldKey(store, stage, key);
  if (!dryRun && !lock) return { ...base, bytes: await diskUsage(path), kind: "in use", users: [] };
  try {
    // Judged under the key's lock: nobody links to the entry while it is removed.
    const { live, stale } = await liveUsers(store, stage, key);
    const users = live.map((r) => `${r.experiment} (${r.workdir})`);
    const bytes = await diskUsage(path);
    if (live.length) {
      if (!dryRun) for (const ref of stale) await rm(ref.file, { force: true });
      return { ...base, bytes, kind: "referenced", users };
    }
    if (!dryRun) {
      // Out of sight at once (a rename), then deleted: a planner never sees half an entry.
      const doomed = join(store, stage, `.removing-${key}-${process.pid}`);
      await rename(path, doomed);
      await rm(doomed, { recursive: true, force: true });
      await removeRefs(store, stage, key);
    }
    return { ...base, bytes, kind: "unreferenced", users: [] };
  } finally {
    await lock?.release();
  }
}
