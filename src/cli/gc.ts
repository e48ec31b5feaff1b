// `gc`: what a workdir keeps that no run needs any more — set-aside folders (older outputs, incomplete checkpoints)
// and checkpoints beyond a stage's keep setting — and, with a `store:`, the store's entries no experiment references
// any more; listed with sizes, and removed unless --dry-run.
import { lstat, rm } from "node:fs/promises";
import { planPipeline } from "../pipeline/plan.js";
import { acquireLock } from "../pipeline/lock.js";
import { collectStore, type StoreFinding } from "../pipeline/store-gc.js";
import { diskUsage, setAsideEntries, type DiskEntry } from "../util/disk.js";
import { formatBytes } from "../util/bytes.js";

export async function gcCommand(config: string, options: { set: string[]; dryRun?: boolean }): Promise<number> {
  const plan = await planPipeline(config, { set: options.set });
  // Never collect under a running pipeline: it may be moving these very folders.
  const lock = options.dryRun ? undefined : await acquireLock(plan.workdir, "dianjin-train gc");
  try {
    const found: Array<DiskEntry & { stage: string; kind: string }> = [];
    for (const stage of plan.stages) {
      for (const path of await setAsideEntries(stage.context.paths.aside))
        found.push({ stage: stage.name, kind: "set-aside", path, bytes: await diskUsage(path) });
      // A stored entry is never changed: its checkpoints are left as they were built.
      const stored = (await lstat(stage.context.paths.output).catch(() => undefined))?.isSymbolicLink() === true;
      for (const path of (stage.definition.kind === "job" && !stored ? await stage.definition.prunable?.(stage.context) : undefined) ?? [])
        found.push({ stage: stage.name, kind: "pruned checkpoint", path, bytes: await diskUsage(path) });
    }
    const store = plan.loaded.config.store;
    const fromStore = store ? await collectStore(store, { dryRun: options.dryRun }) : [];
    const freed = fromStore.filter((f) => f.kind === "unreferenced" || f.kind === "leftover");
    for (const f of freed)
      found.push({ stage: f.stage, kind: f.kind === "leftover" ? "half-published store entry" : "unreferenced store entry", path: f.path, bytes: f.bytes });
    const total = found.reduce((sum, e) => sum + e.bytes, 0);
    for (const e of found) {
      if (!options.dryRun && !e.kind.includes("store")) await rm(e.path, { recursive: true, force: true });
      process.stdout.write(`${options.dryRun ? "would remove" : "removed"} ${e.kind} of ${e.stage}: ${e.path} (${formatBytes(e.bytes)})\n`);
    }
    for (const f of fromStore) if (f.kind === "referenced" || f.kind === "in use") process.stdout.write(`kept ${keptWords(f)}\n`);
    process.stdout.write(
      found.length ? `${options.dryRun ? "would free" : "freed"} ${formatBytes(total)} in ${found.length} folder(s)\n` : "nothing to collect\n",
    );
    return 0;
  } finally {
    await lock?.release();
  }
}

function keptWords(f: StoreFinding): string {
  const what = `store entry ${f.stage}/${f.key} (${formatBytes(f.bytes)})`;
  return f.kind === "in use" ? `${what}: its lock is held (being reused or built now)` : `${what}: used by ${f.users.join(", ")}`;
}
