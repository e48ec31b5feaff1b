// `gc`: what a workdir keeps that no run needs any more — set-aside folders (older outputs, incomplete checkpoints)
// and checkpoints beyond a stage's keep setting — listed with sizes, and removed unless --dry-run.
import { oneExperiment } from "./options.js";
import { rm } from "node:fs/promises";
import { planPipeline } from "../pipeline/plan.js";
import { acquireLock } from "../pipeline/lock.js";
import { diskUsage, setAsideEntries, type DiskEntry } from "../util/disk.js";
import { formatBytes } from "../util/bytes.js";

export async function gcCommand(config: string, options: { set: string[]; dryRun?: boolean }): Promise<number> {
  const plan = await planPipeline(config, oneExperiment(options));
  // Never collect under a running pipeline: it may be moving these very folders.
  const lock = options.dryRun ? undefined : await acquireLock(plan.workdir, "dianjin-train gc");
  try {
    const found: Array<DiskEntry & { stage: string; kind: string }> = [];
    for (const stage of plan.stages) {
      for (const path of await setAsideEntries(stage.context.paths.aside))
        found.push({ stage: stage.name, kind: "set-aside", path, bytes: await diskUsage(path) });
      for (const path of (stage.definition.kind === "job" ? await stage.definition.prunable?.(stage.context) : undefined) ?? [])
        found.push({ stage: stage.name, kind: "pruned checkpoint", path, bytes: await diskUsage(path) });
    }
    const total = found.reduce((sum, e) => sum + e.bytes, 0);
    for (const e of found) {
      if (!options.dryRun) await rm(e.path, { recursive: true, force: true });
      process.stdout.write(`${options.dryRun ? "would remove" : "removed"} ${e.kind} of ${e.stage}: ${e.path} (${formatBytes(e.bytes)})\n`);
    }
    process.stdout.write(
      found.length ? `${options.dryRun ? "would free" : "freed"} ${formatBytes(total)} in ${found.length} folder(s)\n` : "nothing to collect\n",
    );
    return 0;
  } finally {
    await lock?.release();
  }
}
