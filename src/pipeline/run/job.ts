// A stage run as a job (SFT, GRPO, merge, deploy's server): the write-ahead launch record, submit or reattach, wait,
// and classify how it ended.
import { mkdir } from "node:fs/promises";
import { InterruptedError, PreflightError, StageError, type FailureCause } from "../../errors.js";
import type { Job, JobOutcome } from "../../launch/types.js";
import { newLaunchId } from "../../launch/launch-id.js";
import { crashPoint } from "../../util/crash-point.js";
import { tailLines } from "../../util/line-reader.js";
import { asPlanned, atLaunch, withProbedVersion, type LaunchEntry } from "../launch-entry.js";
import { describeOutcome } from "../outcome.js";
import { toolMissingCause } from "../../launch/tool-missing.js";
import { workdirNotSharedCause } from "../../launch/workdir-check.js";
import { cancelCause, cancelledBy, clearCancelRequest, readCancelRequest } from "../cancel-request.js";
import { planFromLoaded, type PlannedStage } from "../plan.js";
import { stageProblems } from "../preflight.js";
import type { StageState } from "../state.js";
import { toolBeforeLaunch } from "../tools.js";
import { jobSpecFor } from "../job-spec.js";
import { toolOf } from "../../stages/registry.js";
import { resourceWarnings } from "../../resources/problems.js";
import { setAsideBeforeLaunch, warnLowDisk, writeRendered } from "./before-launch.js";
import { finish, outputsProblem, withoutRun } from "./finish.js";
import { runInProcess } from "./in-process.js";
import { attemptLog, attemptOf, type Run, type StageResult } from "./run.js";
import { serviceStarted, stopRecordedService } from "./service.js";

interface Attempt {
  attempt: number;
  logFile: string;
  started: number;
  prior: StageState | undefined;
}

/** Runs a planned job stage: launches it, or reattaches to the job an earlier CLI started. */
export async function runJob(run: Run, entry: PlannedStage): Promise<StageResult> {
  const attempt = attemptOf(run, entry);
  await recordPriorFailure(run, entry);
  const at: Attempt = { attempt, logFile: attemptLog(entry, attempt), started: Date.now(), prior: run.store.state.stages[entry.name] };
  if (entry.action !== "reattach") return launch(run, await atLaunch(entry, run.facts, { render: true }), at);

  const record = await atLaunch(entry, run.facts, { render: false });
  const job = entry.job ? await run.launcher.reattach(entry.job) : undefined;
  if (job) return watch(run, record, job, at);
  // It ended while nobody watched: completed only on a recorded good exit plus the stage's finished proof (what
  // planning found); else planned again on its own, which records the failure and resumes.
  const live = entry.job ? await run.launcher.liveness(entry.job) : undefined;
  const proved = live && !live.alive && live.outcome?.state === "completed" && (await record.definition.outputsComplete(record.context));
  if (proved) return finish(run, record, at.started);
  const again = (await planFromLoaded(run.plan.loaded, { only: [entry.name], jobs: run.launcher })).stages.find((s) => s.name === entry.name)!;
  const fresh = asPlanned(again.action === "reattach" ? { ...again, action: "run" } : again);
  await recordPriorFailure(run, fresh);
  if (fresh.definition.kind === "in-process") return runInProcess(run, fresh, at.attempt, at.logFile);
  return launch(run, fresh, at);
}

/** The earlier attempt ended unwatched without proof of completion: it is recorded as failed (or cancelled) first. */
async function recordPriorFailure(run: Run, entry: PlannedStage): Promise<void> {
  const failure = entry.priorFailure;
  const prior = run.store.state.stages[entry.name];
  if (!failure || !prior || (prior.status !== "running" && prior.status !== "launching")) return;
  const status = failure.id === "cancelled" ? "cancelled" : "failed";
  await run.store.updateStage(entry.name, (p) => ({ ...p!, status, endedAt: new Date().toISOString(), failure: { ...failure } }));
  run.emit({ type: "log", stage: entry.name, level: "warn", message: `attempt ${prior.attempts} ${status} while no CLI watched — ${failure.summary}` });
}

/** Everything up to a submitted job: tool and version, the last pre-flight, set-aside, the write-ahead launch record. */
async function launch(run: Run, planned: LaunchEntry, at: Attempt): Promise<StageResult> {
  const { store, emit, env, launcher } = run;
  const config = run.plan.loaded.config;
  const { version, asked } = await toolBeforeLaunch(config, planned.definition, env);
  await store.recordTool(toolOf(planned.definition, config), { command: planned.render.argv.slice(0, 1), version, probedAt: new Date().toISOString() });
  let record = await withProbedVersion(planned, version, run.facts, asked);
  for (const warning of record.render.warnings ?? []) emit({ type: "log", stage: record.name, level: "warn", message: warning });
  // Upstream outputs (the SFT model's config.json, data statistics) exist now: estimate again before refusing.
  const resources = (await record.definition.resources?.(record.context)) ?? record.resources;
  if (resources) record = { ...record, resources };
  for (const message of resourceWarnings(record.name, resources)) emit({ type: "log", stage: record.name, level: "warn", message });
  const problems = await stageProblems(record, record.context, resources);
  if (problems.length) throw new PreflightError(record.name, problems);
  await setAsideBeforeLaunch(record, emit);
  await warnLowDisk(record, emit);
  await stopRecordedService(record, at.prior, launcher);
  await writeRendered(record);
  if (record.definition.kind === "job") await record.definition.prepare?.(record.context, record.render, emit);
  await mkdir(record.context.paths.output, { recursive: true });
  emit({ type: "stage-start", stage: record.name, action: record.action === "resume" ? "resume" : "run", reason: record.reason, attempt: at.attempt });
  // Write-ahead launch record: the intent and its launch id are on disk before the job exists, so a CLI killed in the
  // moment after the spawn leaves a launch id a later CLI finds the job by (never a second trainer beside an orphan).
  const launchId = newLaunchId(record.name);
  const now = new Date().toISOString();
  const endpoints = record.render.serviceEndpoints;
  await store.updateStage(record.name, (p) => ({
    ...withoutRun(p),
    status: "launching",
    key: record.key,
    keyInputs: record.keyInputs,
    attempts: at.attempt,
    startedAt: now,
    launch: { id: launchId, launcher: launcher.name, logFile: at.logFile, at: now, ...(endpoints ? { endpoints } : {}) },
  }));
  crashPoint("after-intent");
  await clearCancelRequest(at.logFile);
  const job = await launcher.submit(jobSpecFor(config, record, at.logFile, env, launchId));
  crashPoint("after-spawn");
  return watch(run, record, job, at);
}

/** Records the job before waiting (a CLI that dies now can reattach to it), then waits and judges how it ended. */
async function watch(run: Run, record: LaunchEntry, job: Job, at: Attempt): Promise<StageResult> {
  const { store, emit } = run;
  const reattached = record.action === "reattach";
  if (reattached) emit({ type: "stage-start", stage: record.name, action: "reattach", reason: record.reason, attempt: at.attempt });
  await store.updateStage(record.name, (p) => ({
    ...(p?.launch ? { launch: p.launch } : {}),
    status: "running",
    key: record.key,
    keyInputs: record.keyInputs,
    attempts: at.attempt,
    startedAt: reattached ? (p?.startedAt ?? new Date().toISOString()) : new Date().toISOString(),
    job: job.record,
    ...(record.resumeFrom ? { resumedFrom: record.resumeFrom } : {}),
  }));
  crashPoint("after-record");
  const def = record.definition;
  if (def.kind !== "job") return serviceStarted(run, record, job, at.prior, at.started);

  // A reattached stage goes on where it was: its duration counts from the attempt's recorded start, and the observer
  // neither replays what the earlier watcher announced nor loses what it learnt (verl's planned total).
  const started = reattached ? startOf(store.state.stages[record.name]?.startedAt, at.started) : at.started;
  const observer = def.observe(record.context, emit, { reattached });
  await observer.start?.();
  const requeues = new RestartRecorder(run, record.name, at.attempt);
  const outcome = await job.wait({
    onLine: observer.onLine?.bind(observer),
    onTick: observer.onTick?.bind(observer),
    onRestart: (restart) => requeues.restarted(restart),
    signal: run.options.signal,
  });
  await requeues.settled();
  await observer.finish?.();

  if (outcome.state === "interrupted") {
    // `cancel` of a detached driver asks first (write-ahead), then interrupts it: the stage was cancelled by us.
    const asked = await readCancelRequest(job.record.logFile, job.record.id);
    const status = asked ? "cancelled" : "interrupted";
    await store.updateStage(record.name, (p) => ({ ...p!, status, endedAt: new Date().toISOString(), ...(asked ? { failure: cancelledBy(asked) } : {}) }));
    emit({ type: "stage-end", stage: record.name, status, seconds: (Date.now() - started) / 1000 });
    throw new InterruptedError(record.name);
  }
  // Only a recorded good exit counts; an end whose status nobody recorded is a failure (its cause from the log).
  const exitedWell = outcome.state === "completed";
  const notWhole = exitedWell ? await outputsProblem(record) : undefined;
  if (exitedWell && !notWhole) return finish(run, record, started);
  const cancelled = cancelCause(outcome, await readCancelRequest(job.record.logFile, job.record.id));
  if (cancelled) return recordCancelled(run, record, outcome, cancelled, job.record.logFile, started);

  const logFile = job.record.logFile;
  const error = notWhole
    ? new StageError(record.name, notWhole, { exitCode: outcome.exitCode, logFile, logTail: await tailLines(logFile, 20) })
    : await failureFromLog(record, outcome, logFile);
  await store.updateStage(record.name, (p) => ({
    ...p!,
    status: "failed",
    endedAt: new Date().toISOString(),
    failure: { ...error.failure, exitCode: outcome.exitCode, signal: outcome.signal, ...(outcome.reason ? { reason: outcome.reason } : {}) },
  }));
  emit({ type: "stage-end", stage: record.name, status: "failed", seconds: (Date.now() - started) / 1000 });
  // The cluster does not see the workdir: nothing ran; it is a problem of the setup, reported as pre-flight (exit 3).
  if (error.failure.id === "workdir-not-shared")
    throw new PreflightError(record.name, [{ path: "workdir", message: `${error.failure.summary}; ${error.failure.hint}` }]);
  throw error;
}

/** A watched job that was cancelled, by `dianjin-train cancel` or by someone else: `cancelled`, with who did it. */
async function recordCancelled(run: Run, record: LaunchEntry, outcome: JobOutcome, cause: FailureCause, logFile: string, started: number): Promise<never> {
  const failure = { ...cause, exitCode: outcome.exitCode, signal: outcome.signal, ...(outcome.reason ? { reason: outcome.reason } : {}) };
  await run.store.updateStage(record.name, (p) => ({ ...p!, status: "cancelled", endedAt: new Date().toISOString(), failure }));
  run.emit({ type: "stage-end", stage: record.name, status: "cancelled", seconds: (Date.now() - started) / 1000 });
  throw new StageError(record.name, cause, { exitCode: outcome.exitCode, signal: outcome.signal, logFile, logTail: await tailLines(logFile, 20) });
}

/** The attempt's recorded start in ms, or `fallback` when none is recorded. */
function startOf(iso: string | undefined, fallback: number): number {
  const at = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(at) ? at : fallback;
}

/** A job the launcher restarted by itself (a Slurm requeue) is a new attempt in state.json, recorded in order. */
class RestartRecorder {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly run: Run,
    private readonly stage: string,
    private readonly firstAttempt: number,
  ) {}

  restarted(restart: number): void {
    const attempt = this.firstAttempt + restart;
    this.chain = this.chain.then(async () => {
      await this.run.store.updateStage(this.stage, (p) => ({ ...p!, attempts: Math.max(p!.attempts, attempt), startedAt: new Date().toISOString() }));
      this.run.emit({ type: "log", stage: this.stage, level: "warn", message: `the launcher restarted the job (requeue ${restart}): attempt ${attempt}` });
    });
  }

  async settled(): Promise<void> {
    await this.chain;
  }
}

async function failureFromLog(record: LaunchEntry, outcome: JobOutcome, logFile: string): Promise<StageError> {
  const tail = await tailLines(logFile, 400);
  const cause: FailureCause =
    outcome.state === "hang"
      ? {
          id: "hang",
          summary: `the tool stopped producing output (${outcome.reason ?? "watchdog"}) and was ended`,
          hint: "look at the log for the last thing it did; raise stages.<stage>.watchdog_minutes if it was just slow",
        }
      : (toolMissingCause(tail) ??
        workdirNotSharedCause(tail) ??
        (record.definition.kind === "in-process" ? undefined : record.definition.classify(tail.join("\n"), record.context)) ??
        describeOutcome(outcome));
  return new StageError(record.name, cause, { exitCode: outcome.exitCode, signal: outcome.signal, logFile, logTail: tail.slice(-20) });
}
