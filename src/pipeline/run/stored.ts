// A stage run with a store (`store:`): built at most once per stage key across every experiment that shares the
// store. Under the key's lock: a complete entry is reused (nothing starts); otherwise the stage is built here as
// always, and once proved complete its output is moved into the store and the workdir links to it.
import { hostname } from "node:os";
import { atLaunch, type LaunchEntry } from "../launch-entry.js";
import type { PlannedStage } from "../plan.js";
import { builtWords, outputsInEntry, readEntry, type StoredEntry } from "../store-entry.js";
import { holdKey, type KeyLockInfo } from "../store-lock.js";
import { readState } from "../state.js";
import { linkOutput, publish, unlinkStored } from "../store-publish.js";
import { addRef } from "../store-refs.js";
import { storable } from "../store-decide.js";
import { withoutRun } from "./finish.js";
import type { Run, StageResult } from "./run.js";

const STORED_ACTIONS = new Set<PlannedStage["action"]>(["run", "resume", "reattach", "reuse"]);

/** Whether this stage goes through the store in this run. */
export function throughStore(run: Run, entry: PlannedStage): boolean {
  return run.plan.loaded.config.store !== undefined && storable(entry.definition) && STORED_ACTIONS.has(entry.action);
}

export async function runStored(run: Run, entry: PlannedStage, build: (entry: PlannedStage) => Promise<StageResult>): Promise<StageResult> {
  const store = run.plan.loaded.config.store!;
  // The key as this run will really build it (what earlier stages produced is known now).
  const record = await atLaunch(entry, run.facts, { render: entry.action !== "reattach" });
  const lock = await holdKey(
    store,
    entry.name,
    record.key,
    { experiment: run.plan.experiment, workdir: run.plan.workdir },
    {
      signal: run.options.signal,
      pollMs: Number(run.env.DIANJIN_POLL_MS) || undefined,
      onWait: (words) => run.emit({ type: "log", stage: entry.name, level: "info", message: `waiting for ${words}` }),
      orphanJob: (holder) => orphanJob(run, entry.name, record.key, holder),
    },
  );
  try {
    const forced = run.options.force?.includes(entry.name) === true;
    const found = entry.action === "reattach" || forced ? undefined : await readEntry(store, entry.name, record.key);
    if (found) return await reuse(run, record, found);
    // Never build into an entry: a link to one is removed first (the entry stays for whoever else uses it).
    await unlinkStored(entry.context.paths.output);
    const planned: PlannedStage =
      entry.action === "reuse"
        ? { ...entry, action: "run", reason: "the store entry planned for reuse is gone; building it", setAsideLabel: "superseded" }
        : entry;
    const result = await build(planned);
    return result.status === "completed" ? await publishBuilt(run, entry, result) : result;
  } finally {
    await lock.release();
  }
}

async function reuse(run: Run, record: LaunchEntry, found: StoredEntry): Promise<StageResult> {
  const store = run.plan.loaded.config.store!;
  const { output, aside } = record.context.paths;
  await linkOutput(output, aside, found.output);
  await addRef(store, record.name, record.key, run.plan.experiment, run.plan.workdir);
  const here = record.definition.outputs(record.context);
  const reason = `reused the stored output (key ${record.key}), built by ${builtWords(found.manifest)}`;
  await run.store.updateStage(record.name, (p) => ({
    ...withoutRun(p),
    status: "completed",
    key: record.key,
    keyInputs: record.keyInputs,
    attempts: p?.attempts ?? 0,
    endedAt: new Date().toISOString(),
    outputs: outputsInEntry(here, output, found.output),
    stored: { entry: found.dir, builtBy: found.manifest.builtBy.experiment, builtAt: found.manifest.builtAt, reused: true },
  }));
  run.emit({ type: "stage-skip", stage: record.name, reason });
  // Later stages read the workdir's path (a link to the entry): their keys do not depend on where the store is.
  return { name: record.name, action: "reuse", status: "completed", key: record.key, reason, seconds: 0, outputs: here };
}

/** After a build proved complete: its output moves into the store (atomically) and the workdir links to it. */
async function publishBuilt(run: Run, entry: PlannedStage, result: StageResult): Promise<StageResult> {
  const store = run.plan.loaded.config.store!;
  const state = run.store.state.stages[entry.name]!;
  const { output, aside } = entry.context.paths;
  const builtBy = { experiment: run.plan.experiment, workdir: run.plan.workdir, host: hostname(), pid: process.pid };
  const published = await publish(store, output, { stage: entry.name, key: state.key, builtBy, keyInputs: state.keyInputs });
  if ("kept" in published) {
    run.emit({ type: "log", stage: entry.name, level: "warn", message: `not stored: ${published.kept}; the output stays in the workdir` });
    return result;
  }
  const { stored } = published;
  await linkOutput(output, aside, stored.output);
  await addRef(store, entry.name, state.key, run.plan.experiment, run.plan.workdir);
  await run.store.updateStage(entry.name, (p) => ({
    ...p!,
    outputs: outputsInEntry(p!.outputs ?? result.outputs, output, stored.output),
    stored: { entry: stored.dir, builtBy: builtBy.experiment, builtAt: stored.manifest.builtAt, reused: false },
  }));
  run.emit({ type: "log", stage: entry.name, level: "info", message: `stored in ${stored.dir}; ${output} links to it` });
  return result;
}

/** The job a dead builder left running for this key, in words (asked through this run's launcher, when it is its kind). */
async function orphanJob(run: Run, stage: string, key: string, holder: KeyLockInfo): Promise<string | undefined> {
  const prior = (await readState(holder.workdir, holder.experiment)).stages[stage];
  if (!prior?.job || prior.key !== key || (prior.status !== "running" && prior.status !== "launching")) return undefined;
  if (prior.job.launcher !== run.launcher.name) return undefined;
  const live = await run.launcher.liveness(prior.job).catch(() => undefined);
  if (!live?.alive) return undefined;
  return `its CLI is gone, its job (${prior.job.launcher} ${prior.job.id}) still runs; \`dianjin-train run\` of ${holder.experiment} reattaches to it and stores it`;
}
