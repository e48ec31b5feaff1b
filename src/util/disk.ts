// Bounded disk: set-aside folders are kept up to a number per stage, `gc` lists and removes what is no longer needed,
// and free space is checked before stages that write large outputs.
import { lstat, readdir, rm, statfs } from "node:fs/promises";
import { dirname, join } from "node:path";

export interface DiskEntry {
  path: string;
  bytes: number;
}

/** Bytes a file tree occupies on disk (allocated blocks, so sparse files count for what they use). */
export async function diskUsage(path: string): Promise<number> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    return 0;
  }
  const own = info.blocks !== undefined ? info.blocks * 512 : info.size;
  if (!info.isDirectory()) return own;
  let total = own;
  for (const name of await readdir(path).catch(() => [] as string[])) total += await diskUsage(join(path, name));
  return total;
}

/** Free bytes for an unprivileged writer on the filesystem that holds `path` (or its nearest existing parent). */
export async function freeBytes(path: string): Promise<number | undefined> {
  for (let at = path; ; at = dirname(at)) {
    try {
      const s = await statfs(at);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(at) === at) return undefined;
    }
  }
}

/** Set-aside entries are named `<what>.<label>-<ISO stamp>`; newest first by that stamp. */
export async function setAsideEntries(asideDir: string): Promise<string[]> {
  const names = await readdir(asideDir).catch(() => [] as string[]);
  const stampOf = (name: string) => /-(\d{4}-\d\d-\d\dT[\d-]+Z)$/.exec(name)?.[1] ?? "";
  return names.sort((a, b) => stampOf(b).localeCompare(stampOf(a)) || b.localeCompare(a)).map((n) => join(asideDir, n));
}

/** Removes all but the newest `keep` set-aside entries; returns what was removed, with sizes. */
export async function pruneSetAside(asideDir: string, keep: number): Promise<DiskEntry[]> {
  const removed: DiskEntry[] = [];
  for (const path of (await setAsideEntries(asideDir)).slice(keep)) {
    const bytes = await diskUsage(path);
    await rm(path, { recursive: true, force: true });
    removed.push({ path, bytes });
  }
  return removed;
}
