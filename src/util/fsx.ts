// fs-extra, imported on first use. It is CommonJS and loads ~40 files (graceful-fs, jsonfile, universalify), which
// `plan` must not pay for: what plan itself calls (pathExists, reading checkpoint JSON) stays on node:fs; the file
// handling of running (set-aside moves across file systems, removals, folders, lock and report files) uses this.
import type FsExtra from "fs-extra";

let loading: Promise<typeof FsExtra> | undefined;

export function fsExtra(): Promise<typeof FsExtra> {
  // The default import: fs-extra's named exports type-check under ESM but are missing at run time.
  return (loading ??= import("fs-extra").then((m) => m.default));
}

/** A JSON file's value, or undefined when it is missing or not JSON (for readers that treat both as "nothing yet"). */
export async function readJsonIfThere<T>(file: string): Promise<T | undefined> {
  try {
    return (await (await fsExtra()).readJson(file)) as T;
  } catch {
    return undefined;
  }
}
