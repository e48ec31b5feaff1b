// runPipeline: the only code that writes rendered files, launches tools and records what happened.
import { mkdir, readdir } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { redactText, secretValues } from "../util/secrets.js";
import { join } from "node:path";
import { InterruptedError, PreflightError, StageError, type FailureCause } from "../errors.js";
import type { Job, JobOutcome, Launcher } from "../launch/types.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { tailLines } from "../util/line-reader.js";
import type { EventSink } from "../contract/events.js";
import { acquireLock } from "./lock.js";
import { writeManifest } from "./manifest.js";
import { planFromLoaded, type Plan, type PlannedStage, type PlanOptions } from "./plan.js";
import { loadExperiment } from "../config/load.js";
import { StateStore, type StageState } from "./state.js";
import { stageHasVersionProbe, probeVersion, requireTool } from "./tools.js";
import { serviceKept, toolOf } from "../stages/registry.js";
import { launcherFor } from "./launchers.js";
import { describeOutcome } from "./outcome.js";
import { moveAside } from "./aside.js";
import { formatBytes, freeBytes, pruneSetAside } from "../util/disk.js";
import { refuseUnlessReady, stageProblems } from "./preflight.js";
import { fingerprint, stageKey } from "./keys.js";
import { newLaunchId } from "../launch/launch-id.js";
import { crashPoint } from "../util/crash-point.js";

export interface RunOptions extends PlanOptions {
  /** Leave services (deploy) running after the run, and return as soon as they are ready. */
  detach?: boolean;
  signal?: AbortSignal;
  onEvent?: EventSink;
  /** Use this launcher instead of the one cluster.launcher names (tests, embedding). */
  launcher?: Launcher;
  /** Environment the tools see (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface StageResult {
  name: string;
  action: PlannedStage["action"];
  status: "completed" | "skipped" | "not-selected" | "serving" | "stopped";
  key: string;
  reason: string;
  seconds: number;
  outputs: Record<string, string>;
}

export interface RunResult {
  experiment: string;
  workdir: string;
  stages: StageResult[];
}

/**
 * Before a launch: for `run`, the whole output folder (an older config's, or a restart's with no complete checkpoint)
 * is moved aside, incomplete checkpoints with it, so the tool starts clean and cannot auto-resume it; for `resume`,
 * only the incomplete checkpoints newer than the resume point. Nothing is deleted.
 */
async function setAsideBeforeLaunch(stage: PlannedStage, emit: EventSink): Promise<void> {
  const { output, aside } = stage.context.paths;
  if (stage.action === "run") {
    if ((await readdir(output).catch(() => [])).length) await moveAside([output], aside, stage.setAsideLabel ?? "superseded");
  } else {
    await moveAside(stage.incomplete.map((c) => c.path), aside, "incomplete");
  }
  const keep = stage.context.config.keep_set_aside;
  for (const removed of await pruneSetAside(aside, keep)) {
    emit({ type: "log", stage: stage.name, level: "info", message: `removed set-aside ${removed.path} (${formatBytes(removed.bytes)}; keep_set_aside: ${keep})` });
  }
}

/** A warning, not a refusal: the stage may still fit when checkpoints are pruned as it goes. */
async function warnLowDisk(stage: PlannedStage, emit: EventSink): Promise<void> {
  const each = await stage.definition.checkpointBytes?.(stage.context);
  if (!each) return;
  const free = await freeBytes(stage.context.paths.output);
  if (free !== undefined && free < 3 * each) {
    emit({ type: "log", stage: stage.name, level: "warn", message: `only ${formatBytes(free)} free where checkpoints go; one checkpoint is about ${formatBytes(each)} (less than 3 checkpoints' worth)` });
  }
}

async function writeRendered(stage: PlannedStage): Promise<void> {
  for (const file of Object.values(stage.render.files)) await writeFileAtomic(file.path, file.content);
}

async function failureFromLog(stage: PlannedStage, outcome: JobOutcome, logFile: string): Promise<StageError> {
  const tail = await tailLines(logFile, 400);
  const cause: FailureCause =
    outcome.state === "hang"
      ? { id: "hang", summary: `the tool stopped producing output (${outcome.reason ?? "watchdog"}) and was ended`, hint: "look at the log for the last thing it did; raise stages.<stage>.watchdog_minutes if it was just slow" }
      : (stage.definition.classify(tail.join("\n")) ?? describeOutcome(outcome));
  return new StageError(stage.name, cause, { exitCode: outcome.exitCode, signal: outcome.signal, logFile, logTail: tail.slice(-20) });
}

/**
 * Renders the stage again now that the stages before it have run: the plan rendered it before their outputs existed
 * (GRPO's newest checkpoint for merge, the data stage's files for SFT). The key recorded for this run must describe
 * what the tool really reads.
 */
async function refreshRender(stage: PlannedStage): Promise<void> {
  stage.render = await stage.definition.render(stage.context, stage.resumeFrom);
  const files: Record<string, string> = {};
  for (const path of stage.render.inputFiles) files[path] = await fingerprint(path, stage.render.fingerprint);
  const upstream = stage.keyInputs.upstream;
  stage.keyInputs = { ...stage.render.keyInputs, files, ...(upstream ? { upstream } : {}) };
  stage.key = stageKey(stage.name, stage.definition.version, stage.keyInputs);
}

async function runStage(plan: Plan, stage: PlannedStage, store: StateStore, launcher: Launcher, options: RunOptions, services: StartedService[]): Promise<StageResult> {
  if (stage.action !== "reattach") await refreshRender(stage);
  const started = Date.now();
  const emit = options.onEvent ?? (() => undefined);
  const env = options.env ?? process.env;
  const prior = store.state.stages[stage.name];
  const attempt = (prior?.attempts ?? 0) + (stage.action === "reattach" ? 0 : 1);
  const logFile = join(stage.context.paths.logs, `attempt-${attempt}.log`);
  let job: Job | undefined;

  if (stage.action === "reattach") {
    job = stage.job ? await launcher.reattach(stage.job) : undefined;
    if (!job) {
      // It ended while nobody watched: judge it by its outputs.
      if (await stage.definition.outputsComplete(stage.context)) return finish(store, stage, started, emit, "completed");
      stage = (await planFromLoaded(plan.loaded, { only: [stage.name], jobs: launcher })).stages.find((s) => s.name === stage.name)!;
      if (stage.action === "reattach") stage.action = "run";
    }
  }

  if (!job && stage.definition.runInProcess) return runInProcessStage(stage, store, attempt, logFile, options);

  if (!job) {
    await requireTool(plan.loaded.config, stage.definition, env);
    const version = await probeVersion(plan.loaded.config, stage.definition, env);
    await store.recordTool(toolOf(stage.definition, plan.loaded.config), { command: stage.render.argv.slice(0, 1), version, probedAt: new Date().toISOString() });
    if (version && version !== stage.context.toolVersion) {
      // The installed tool says which release it is (keys, verl's config layout): render again for it, and let later
      // stages that depend on this tool's release (merge on verl) know too.
      stage.context.toolVersion = version;
      if (stage.context.versionSource !== "stated") stage.context.versionSource = "probed";
      for (const other of plan.stages) if (other.context.toolVersions) other.context.toolVersions[toolOf(stage.definition, plan.loaded.config)] = version;
      await refreshRender(stage);
    } else if (!version && !stage.context.toolVersion && stageHasVersionProbe(stage.definition, plan.loaded.config)) {
      stage.context.versionSource = "probe-failed";
      await refreshRender(stage);
    }
    for (const warning of stage.render.warnings ?? []) emit({ type: "log", stage: stage.name, level: "warn", message: warning });
    // Upstream outputs (the SFT model's config.json, data statistics) exist now: estimate again before refusing.
    const resources = (await stage.definition.resources?.(stage.context)) ?? stage.resources;
    if (resources) stage.resources = resources;
    const problems = await stageProblems(stage, stage.context, resources);
    if (problems.length) throw new PreflightError(stage.name, problems);
    await setAsideBeforeLaunch(stage, emit);
    await warnLowDisk(stage, emit);
    await stopRecordedService(stage, prior, launcher);
    await writeRendered(stage);
    await stage.definition.prepare?.(stage.context, stage.render, emit);
    await mkdir(stage.context.paths.output, { recursive: true });
    emit({ type: "stage-start", stage: stage.name, action: stage.action === "resume" ? "resume" : "run", reason: stage.reason, attempt });
    // Write-ahead launch record: the intent and its launch id are on disk before the job exists, so a CLI killed in the
    // moment after the spawn leaves a launch id a later CLI finds the job by (never a second trainer beside an orphan).
    const launchId = newLaunchId(stage.name);
    const at = new Date().toISOString();
    await store.updateStage(stage.name, (p) => ({
      ...withoutRun(p),
      status: "launching",
      key: stage.key,
      keyInputs: stage.keyInputs,
      attempts: attempt,
      startedAt: at,
      launch: { id: launchId, launcher: launcher.name, logFile, at, ...(stage.render.serviceEndpoints ? { endpoints: stage.render.serviceEndpoints } : {}) },
    }));
    crashPoint("after-intent");
    job = await launcher.submit({
      launchId,
      stage: stage.name,
      argv: stage.render.argv,
      env: { ...stage.render.env, ...resolveSecretEnv(stage.render.secretEnv, env) },
      cwd: stage.context.paths.root,
      logFile,
      nodes: plan.loaded.config.cluster.nodes,
      gpusPerNode: plan.loaded.config.cluster.gpus_per_node,
      watchdogMs: stage.render.watchdogMs,
    });
    crashPoint("after-spawn");
  } else {
    emit({ type: "stage-start", stage: stage.name, action: "reattach", reason: stage.reason, attempt });
  }

  // The job is recorded before waiting, so a CLI that dies now can reattach to it.
  const running = job;
  await store.updateStage(stage.name, (p) => ({
    ...(p?.launch ? { launch: p.launch } : {}),
    status: "running",
    key: stage.key,
    keyInputs: stage.keyInputs,
    attempts: attempt,
    startedAt: stage.action === "reattach" ? (p?.startedAt ?? new Date().toISOString()) : new Date().toISOString(),
    job: running.record,
    ...(stage.resumeFrom ? { resumedFrom: stage.resumeFrom } : {}),
  }));
  crashPoint("after-record");

  if (stage.definition.service) {
    // A reattached server answers where it was started, not at the ports a fresh render would pick.
    const endpoints = stage.action === "reattach" ? prior?.launch?.endpoints : undefined;
    if (endpoints) stage.render = { ...stage.render, serviceEndpoints: endpoints };
    const result = await serviceReady(stage, running, store, started, emit, options);
    services.push({ stage, job: running });
    return result;
  }

  const observer = stage.definition.observe(stage.context, emit);
  const outcome = await running.wait({ onLine: observer.onLine?.bind(observer), onTick: observer.onTick?.bind(observer), signal: options.signal });
  await observer.finish?.();

  if (outcome.state === "interrupted") {
    await store.updateStage(stage.name, (p) => ({ ...p!, status: "interrupted", endedAt: new Date().toISOString() }));
    emit({ type: "stage-end", stage: stage.name, status: "interrupted", seconds: (Date.now() - started) / 1000 });
    throw new InterruptedError(stage.name);
  }
  const exitedWell = outcome.state === "completed" || outcome.state === "ended-unobserved";
  const notWhole = exitedWell ? await outputsProblem(stage) : undefined;
  if (exitedWell && !notWhole) return finish(store, stage, started, emit, "completed");

  const error = notWhole
    ? new StageError(stage.name, notWhole, { exitCode: outcome.exitCode, logFile: running.record.logFile, logTail: await tailLines(running.record.logFile, 20) })
    : await failureFromLog(stage, outcome, running.record.logFile);
  await store.updateStage(stage.name, (p) => ({
    ...p!,
    status: "failed",
    endedAt: new Date().toISOString(),
    failure: { ...error.failure, exitCode: outcome.exitCode, signal: outcome.signal },
  }));
  emit({ type: "stage-end", stage: stage.name, status: "failed", seconds: (Date.now() - started) / 1000 });
  throw error;
}

/** Records a stage that threw as failed (or interrupted) and returns the error to throw. */
async function recordFailure(stage: PlannedStage, store: StateStore, error: unknown, started: number, emit: EventSink, signal?: AbortSignal): Promise<unknown> {
  const interrupted = error instanceof InterruptedError || signal?.aborted === true;
  await store.updateStage(stage.name, (p) => ({
    ...p!,
    status: interrupted ? "interrupted" : "failed",
    endedAt: new Date().toISOString(),
    ...(error instanceof StageError ? { failure: { ...error.failure, exitCode: error.detail.exitCode, signal: error.detail.signal } } : {}),
  }));
  emit({ type: "stage-end", stage: stage.name, status: interrupted ? "interrupted" : "failed", seconds: (Date.now() - started) / 1000 });
  return interrupted && !(error instanceof InterruptedError) ? new InterruptedError(stage.name) : error;
}

/** A stage done here (data build, evaluation): no job, its own journals make it resumable. */
async function runInProcessStage(stage: PlannedStage, store: StateStore, attempt: number, logFile: string, options: RunOptions): Promise<StageResult> {
  const started = Date.now();
  await refreshRender(stage);
  const emit = options.onEvent ?? (() => undefined);
  const problems = await stage.definition.preflight(stage.context, stage.render);
  if (problems.length) throw new PreflightError(stage.name, problems);
  await writeRendered(stage);
  await mkdir(stage.context.paths.output, { recursive: true });
  await mkdir(stage.context.paths.logs, { recursive: true });
  const log = createWriteStream(logFile, { flags: "a" });
  const secrets = secretValues(options.env ?? process.env);
  emit({ type: "stage-start", stage: stage.name, action: stage.action === "resume" ? "resume" : "run", reason: stage.reason, attempt });
  await store.updateStage(stage.name, () => ({ status: "running", key: stage.key, keyInputs: stage.keyInputs, attempts: attempt, startedAt: new Date().toISOString() }));
  try {
    await stage.definition.runInProcess!(stage.context, stage.render, {
      signal: options.signal,
      emit,
      logFile,
      log: (line) => log.write(`${redactText(line, secrets)}\n`),
      env: options.env ?? process.env,
    });
  } catch (error) {
    throw await recordFailure(stage, store, error, started, emit, options.signal);
  } finally {
    await new Promise((r) => log.end(r));
  }
  const problem = await outputsProblem(stage);
  if (problem) throw new StageError(stage.name, problem, { logFile, logTail: await tailLines(logFile, 20) });
  return finish(store, stage, started, emit, "completed");
}

/** Why a stage whose tool exited 0 still did not produce what it should; undefined when all is well. */
async function outputsProblem(stage: PlannedStage): Promise<FailureCause | undefined> {
  const verified = await stage.definition.verifyOutputs?.(stage.context);
  if (verified) return verified;
  if (await stage.definition.outputsComplete(stage.context)) return undefined;
  return { id: "outputs-incomplete", summary: "the tool exited 0 but its outputs are missing or incomplete", hint: "look at the log; the tool may have skipped its work" };
}

/** A new attempt starts without the last one's job, failure and end. */
function withoutRun(prior: StageState | undefined): Partial<StageState> {
  if (!prior) return {};
  const { job: _job, failure: _failure, endedAt: _endedAt, launch: _launch, resumedFrom: _resumedFrom, ...rest } = prior;
  return rest;
}

function resolveSecretEnv(mapping: Record<string, string> | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [target, source] of Object.entries(mapping ?? {})) if (env[source] !== undefined) out[target] = env[source]!;
  return out;
}

/** A service recorded as serving (older settings, or not answering) is ended before its replacement starts. */
async function stopRecordedService(stage: PlannedStage, prior: StageState | undefined, launcher: Launcher): Promise<void> {
  if (!stage.definition.service || prior?.status !== "serving" || !prior.job) return;
  const old = await launcher.reattach(prior.job);
  await old?.cancel();
}

interface StartedService {
  stage: PlannedStage;
  job: Job;
}


async function serviceReady(stage: PlannedStage, job: Job, store: StateStore, started: number, emit: EventSink, options: RunOptions): Promise<StageResult> {
  let outputs: Record<string, string>;
  try {
    outputs = await stage.definition.service!.ready(stage.context, stage.render, { pid: job.record.launcher === "local" ? Number(job.record.id) : undefined, logFile: job.record.logFile }, options.signal);
  } catch (error) {
    await job.cancel();
    throw await recordFailure(stage, store, error, started, emit, options.signal);
  }
  await store.updateStage(stage.name, (p) => {
    const { failure: _failure, ...rest } = p!;
    return { ...rest, status: "serving", outputs };
  });
  const seconds = (Date.now() - started) / 1000;
  emit({ type: "log", stage: stage.name, level: "info", message: `serving at ${outputs.baseUrls ?? outputs.baseUrl} (model "${outputs.model}")` });
  emit({ type: "stage-end", stage: stage.name, status: "completed", seconds });
  return { name: stage.name, action: stage.action, status: "serving", key: stage.key, reason: stage.reason, seconds, outputs };
}

/** Services this run started: kept (detach / keep), watched in the foreground (a lone `deploy`), or stopped. */
async function settleServices(plan: Plan, store: StateStore, options: RunOptions, results: StageResult[], services: StartedService[]): Promise<void> {
  // Decided from what the plan selected, not from what finished: a later stage that failed must not turn this
  // into a foreground server.
  const selected = plan.stages.filter((s) => s.action !== "not-selected");
  for (const { stage, job } of services) {
    if (options.detach || serviceKept(stage.definition, plan.loaded.config)) continue;
    const alone = selected.length === 1 && selected[0]!.name === stage.name;
    if (alone) {
      options.onEvent?.({ type: "log", stage: stage.name, level: "info", message: "running in the foreground; Ctrl-C stops it (use --detach to leave it running)" });
      await job.wait({ signal: options.signal });
    }
    await job.cancel();
    await store.updateStage(stage.name, (p) => ({ ...p!, status: "stopped", endedAt: new Date().toISOString() }));
    const result = results.find((r) => r.name === stage.name);
    if (result) result.status = "stopped";
  }
}

async function finish(store: StateStore, stage: PlannedStage, started: number, emit: EventSink, status: "completed"): Promise<StageResult> {
  const outputs = stage.definition.outputs(stage.context);
  await store.updateStage(stage.name, (p): StageState => {
    const { failure: _failure, ...rest } = p ?? ({} as StageState);
    return { ...rest, status, key: stage.key, keyInputs: stage.keyInputs, attempts: p?.attempts ?? 1, endedAt: new Date().toISOString(), outputs };
  });
  const seconds = (Date.now() - started) / 1000;
  emit({ type: "stage-end", stage: stage.name, status, seconds });
  return { name: stage.name, action: stage.action, status, key: stage.key, reason: stage.reason, seconds, outputs };
}

export async function runPipeline(configPath: string, options: RunOptions = {}): Promise<RunResult> {
  const loaded = await loadExperiment(configPath, options);
  const lock = await acquireLock(loaded.config.workdir, `dianjin-train ${process.argv.slice(2).join(" ")}`.trim());
  try {
    const plan = await planFromLoaded(loaded, options);
    // Every selected stage is checked before the first starts: no problem is found hours into a run.
    await refuseUnlessReady(plan, { env: options.env });
    const store = await StateStore.open(plan.workdir, plan.experiment);
    await writeManifest(plan.workdir, loaded, store.state.tools);
    const launcher = options.launcher ?? (await launcherFor(loaded.config, options.env));
    const results: StageResult[] = [];
    // Services this run started: settled (kept, watched in the foreground, or stopped) when the run ends.
    const services: StartedService[] = [];
    try {
      for (const stage of plan.stages) {
        if (options.signal?.aborted) throw new InterruptedError(stage.name);
        let result: StageResult;
        if (stage.action === "not-selected" || stage.action === "skip") {
          if (stage.action === "skip") options.onEvent?.({ type: "stage-skip", stage: stage.name, reason: stage.reason });
          const recorded = store.state.stages[stage.name]?.outputs;
          const outputs = stage.definition.service && recorded ? recorded : stage.definition.outputs(stage.context);
          result = { name: stage.name, action: stage.action, status: stage.action === "skip" ? "skipped" : "not-selected", key: stage.key, reason: stage.reason, seconds: 0, outputs };
        } else {
          result = await runStage(plan, stage, store, launcher, options, services);
        }
        results.push(result);
        // Later stages see what this one actually produced (a service's endpoint is known only now).
        for (const later of plan.stages) {
          if (later.context.upstream[stage.name]) later.context.upstream[stage.name] = { key: stage.key, outputs: result.outputs };
          const consumed = later.keyInputs.upstream as Record<string, string> | undefined;
          if (consumed?.[stage.name] !== undefined && consumed[stage.name] !== stage.key) {
            later.keyInputs = { ...later.keyInputs, upstream: { ...consumed, [stage.name]: stage.key } };
            later.key = stageKey(later.name, later.definition.version, later.keyInputs);
          }
        }
      }
    } finally {
      await settleServices(plan, store, options, results, services).catch(() => undefined);
    }
    await writeManifest(plan.workdir, loaded, store.state.tools);
    return { experiment: plan.experiment, workdir: plan.workdir, stages: results };
  } finally {
    await lock.release();
  }
}
