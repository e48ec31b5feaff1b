// runPipeline: the only code that writes rendered files, launches tools and records what happened. It walks the frozen
// plan; each stage that starts something is handed to its runner (job, service, in-process) as a launch entry.
import { InterruptedError } from "../errors.js";
import { loadExperiment } from "../config/load.js";
import { acquireLock } from "./lock.js";
import { gitInfo, writeManifest } from "./manifest.js";
import { dirname } from "node:path";
import { planFromLoaded, type Plan, type PlannedStage } from "./plan.js";
import { StateStore } from "./state.js";
import { lazyLauncher } from "./launchers.js";
import { refuseUnlessReady } from "./preflight.js";
import { atLaunch, learnProduced, runFacts } from "./launch-entry.js";
import { runJob } from "./run/job.js";
import { runInProcess } from "./run/in-process.js";
import { settleServices } from "./run/service.js";
import { runStored, throughStore } from "./run/stored.js";
import { attemptLog, attemptOf, type Run, type RunOptions, type StageResult } from "./run/run.js";

export type { RunOptions, StageResult } from "./run/run.js";

export interface RunResult {
  experiment: string;
  workdir: string;
  stages: StageResult[];
}

/** A stage that starts nothing: what it recorded (a service's endpoint) or would produce is passed on. */
async function notStarted(run: Run, entry: PlannedStage): Promise<StageResult> {
  if (entry.action === "skip") run.emit({ type: "stage-skip", stage: entry.name, reason: entry.reason });
  const record = await atLaunch(entry, run.facts, { render: false });
  const recorded = run.store.state.stages[entry.name]?.outputs;
  const outputs = entry.definition.kind === "service" && recorded ? recorded : entry.definition.outputs(record.context);
  return {
    name: entry.name,
    action: entry.action,
    status: entry.action === "skip" ? "skipped" : "not-selected",
    key: record.key,
    reason: entry.reason,
    seconds: 0,
    outputs,
  };
}

async function runEntry(run: Run, entry: PlannedStage): Promise<StageResult> {
  if (entry.action === "not-selected" || entry.action === "skip") return notStarted(run, entry);
  if (throughStore(run, entry)) return runStored(run, entry, (e) => runHere(run, e));
  return runHere(run, entry);
}

async function runHere(run: Run, entry: PlannedStage): Promise<StageResult> {
  if (entry.definition.kind === "in-process" && entry.action !== "reattach") {
    const attempt = attemptOf(run, entry);
    return runInProcess(run, await atLaunch(entry, run.facts, { render: true }), attempt, attemptLog(entry, attempt));
  }
  return runJob(run, entry);
}

export async function runPipeline(configPath: string, options: RunOptions = {}): Promise<RunResult> {
  const loaded = await loadExperiment(configPath, options);
  const lock = await acquireLock(loaded.config.workdir, `dianjin-train ${process.argv.slice(2).join(" ")}`.trim());
  try {
    return await applyPlan(await planFromLoaded(loaded, options), options);
  } finally {
    await lock.release();
  }
}

/** Runs a plan (the caller holds the workdir's lock). The plan is only read: what happened goes to state and results. */
export async function applyPlan(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
  // Asked once, while pre-flight runs (it never rejects): the code checked out at the start is the code that runs.
  const git = gitInfo(dirname(plan.loaded.file));
  // Every selected stage is checked before the first starts: no problem is found hours into a run.
  await refuseUnlessReady(plan, { env: options.env });
  const store = await StateStore.open(plan.workdir, plan.experiment);
  await writeManifest(plan.workdir, plan.loaded, store.state.tools, git);
  const launcher = options.launcher ?? lazyLauncher(plan.loaded.config, options.env);
  const run: Run = {
    plan,
    store,
    launcher,
    options,
    emit: options.onEvent ?? (() => undefined),
    env: options.env ?? process.env,
    facts: runFacts(plan),
    services: [],
  };
  const results: StageResult[] = [];
  try {
    for (const entry of plan.stages) {
      if (options.signal?.aborted) throw new InterruptedError(entry.name);
      const result = await runEntry(run, entry);
      results.push(result);
      // Later stages see what this one actually produced (a service's endpoint is known only now).
      learnProduced(run.facts, entry.name, result.key, result.outputs);
    }
  } finally {
    await settleServices(run, results).catch(() => undefined);
  }
  await writeManifest(plan.workdir, plan.loaded, store.state.tools, git);
  return { experiment: plan.experiment, workdir: plan.workdir, stages: results };
}
