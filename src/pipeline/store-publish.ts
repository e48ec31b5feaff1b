// Putting a completed stage's output into the store, and pointing a workdir at an entry. Never a copy: the output
// folder is renamed into the entry (same file system; a store elsewhere is refused for this stage, and the output
// stays in the workdir), and the workdir's `<stage>/output` becomes a symlink to the entry's output, so the tools,
// reports and the keys of later stages (made from workdir-relative paths) see the same path whether the stage was
// built here or reused.
import { lstat, mkdir, readdir, rename, rm, rmdir, symlink, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { moveAside } from "./aside.js";
import { entryDir, entryOutput, manifestFile, PUBLISHING_PREFIX, readEntry, type EntryManifest, type StoredEntry } from "./store-entry.js";

export type PublishResult = { stored: StoredEntry } | { kept: string };

/**
 * Moves `output` (proved complete) into the entry for `key`, atomically: assembled under a `.publishing-*` name, then
 * renamed into place. An entry that already exists is not replaced (its readers rely on it): the output stays here.
 */
export async function publish(store: string, output: string, m: Omit<EntryManifest, "version" | "builtAt">): Promise<PublishResult> {
  const dir = entryDir(store, m.stage, m.key);
  if (await readEntry(store, m.stage, m.key)) return { kept: `the store already holds ${m.stage} key ${m.key}` };
  const draft = join(store, m.stage, `${PUBLISHING_PREFIX}${m.key}-${hostname()}-${process.pid}`);
  await rm(draft, { recursive: true, force: true });
  await mkdir(draft, { recursive: true });
  const manifest: EntryManifest = { version: 1, ...m, builtAt: new Date().toISOString() };
  await writeJsonAtomic(manifestFile(draft), manifest);
  try {
    await rename(output, entryOutput(draft));
  } catch (error) {
    await rm(draft, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === "EXDEV") return { kept: `the store ${store} is on another file system than the workdir (never copied)` };
    throw error;
  }
  try {
    await rename(draft, dir);
  } catch (error) {
    // Someone published the same key meanwhile (or the rename failed): the output goes back where it was.
    await rename(entryOutput(draft), output);
    await rm(draft, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTEMPTY") return { kept: `the store already holds ${m.stage} key ${m.key}` };
    throw error;
  }
  return { stored: { dir, output: entryOutput(dir), manifest } };
}

/**
 * Makes `output` a symlink to the entry's output. What was there is kept: an earlier link is replaced, a folder with
 * content is set aside (never deleted), an empty one removed.
 */
export async function linkOutput(output: string, aside: string, target: string): Promise<void> {
  const info = await lstat(output).catch(() => undefined);
  if (info?.isSymbolicLink()) await unlink(output);
  else if (info?.isDirectory()) {
    if ((await readdir(output)).length) await moveAside([output], aside, "superseded");
    else await rmdir(output);
  } else if (info) await moveAside([output], aside, "superseded");
  await mkdir(join(output, ".."), { recursive: true });
  await symlink(target, output, "dir");
}

/** Before a stage builds here: a link into the store is removed, so the tool never writes into an entry. */
export async function unlinkStored(output: string): Promise<void> {
  const info = await lstat(output).catch(() => undefined);
  if (info?.isSymbolicLink()) await unlink(output);
}
