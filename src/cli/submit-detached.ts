// `submit` under the local and Ray launchers: pre-flight as `run` does, then the pipeline goes on in a detached
// driver — a fresh `run` of this CLI in its own session (no terminal, so closing one changes nothing), its output in
// <workdir>/driver/attempt-N.log — and `submit` returns within seconds. A driver that is alive is reported and nothing
// starts; after it ended, `submit` starts a new one, whose plan skips what is done. Two `submit`s at once start one
// driver: each holds <workdir>/driver/.lock (the workdir lock's code, on the driver folder) from its last look at the
// driver until the new driver holds the workdir lock, so the second one then sees it alive.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LaunchError, LockError } from "../errors.js";
import { processStartTime } from "../launch/process-tree.js";
import {
  DRIVER_DEFAULTS,
  DRIVER_FLAG,
  driverDir,
  driverEnd,
  driverLog,
  driverNow,
  readDriver,
  writeDriver,
  type DriverNow,
  type DriverRecord,
} from "../pipeline/driver.js";
import { acquireLock, lockHolder, type Lock } from "../pipeline/lock.js";
import { EVENT_LOG_FILE, LOG_LEVELS, type LogLevel } from "../pipeline/log-level.js";
import { planFamily, type Family } from "../pipeline/family.js";
import { planPipeline, type Plan } from "../pipeline/plan.js";
import { refuseUnlessReady } from "../pipeline/preflight.js";
import { packageUrl } from "../util/dist-path.js";
import { tailLines } from "../util/line-reader.js";
import { oneExperiment, planOptions, type CommonOptions, type LogOptions } from "./options.js";
import { shownPath } from "./driver-view.js";
import { sleep } from "../util/abortable.js";

export type SubmitOptions = CommonOptions & Partial<LogOptions>;

/** The driver's `run` arguments: the same selection and settings as this `submit`. */
function driverArgs(config: string, options: SubmitOptions, id: string): string[] {
  const args = ["run", resolve(config)];
  if (options.from) args.push("--from", options.from);
  if (options.until) args.push("--until", options.until);
  for (const stage of options.only) args.push("--only", stage);
  for (const stage of options.force) args.push("--force", stage);
  for (const set of options.set) args.push("--set", set);
  for (const variant of options.variant ?? []) args.push("--variant", variant);
  // How the driver ended is its `run-end` record (info): its run log keeps at least that level.
  const level = options.logLevel ?? "info";
  const kept: LogLevel = LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf("info") ? "info" : level;
  args.push("--log-level", kept, "--log-format", options.logFormat === "json" ? "json" : "plain");
  return [...args, DRIVER_FLAG, id];
}

/** The lock that makes one `submit` at a time look at and start the driver; a second waits its turn, briefly. */
async function submitLock(workdir: string): Promise<Lock> {
  const deadline = Date.now() + DRIVER_DEFAULTS.submitLockWaitMs;
  for (;;) {
    try {
      return await acquireLock(driverDir(workdir), "dianjin-train submit");
    } catch (error) {
      if (!(error instanceof LockError) || Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** The bundled CLI this package ships (the driver runs the same code as this `submit`). */
function cliBin(): string {
  const bin = fileURLToPath(packageUrl("dist/bin/dianjin-train.mjs"));
  if (!existsSync(bin)) throw new LaunchError(`the driver runs the built CLI, and ${bin} does not exist (npm run build)`);
  return bin;
}

async function startDriver(workdir: string, config: string, options: SubmitOptions): Promise<{ record: DriverRecord; exited: Promise<number | null> }> {
  const bin = cliBin();
  const { newRunId } = await import("../pipeline/event-log.js");
  const id = newRunId();
  const attempt = ((await readDriver(workdir))?.attempt ?? 0) + 1;
  const intent: DriverRecord = {
    version: 1,
    id,
    host: hostname(),
    submittedAt: new Date().toISOString(),
    argv: driverArgs(config, options, id),
    cwd: process.cwd(),
    logFile: `driver/attempt-${attempt}.log`,
    attempt,
    eventsFrom: await stat(join(workdir, EVENT_LOG_FILE)).then(
      (s) => s.size,
      () => 0,
    ),
  };
  // Write-ahead: a `submit` that dies right after the start still leaves the id, by which the driver is found.
  await writeDriver(workdir, intent);
  mkdirSync(driverDir(workdir), { recursive: true });
  const fd = openSync(driverLog(workdir, intent), "a");
  let child;
  try {
    // detached: setsid, so the driver has no controlling terminal and is the leader of its own process group.
    child = spawn(process.execPath, [bin, ...intent.argv], { cwd: intent.cwd, env: process.env, stdio: ["ignore", fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
  child.unref();
  const exited = new Promise<number | null>((done) => {
    child.once("error", () => done(null));
    child.once("exit", (code) => done(code));
  });
  if (child.pid === undefined) throw new LaunchError(`could not start the driver (${process.execPath} ${bin})`);
  const startTime = await processStartTime(child.pid);
  const record: DriverRecord = { ...intent, pid: child.pid, ...(startTime ? { startTime } : {}) };
  await writeDriver(workdir, record);
  return { record, exited };
}

/** Until the driver holds a workdir's lock (it runs), or ended first (its exit code), or the wait is over. */
async function driverStarted(workdirs: readonly string[], pid: number, exited: Promise<number | null>): Promise<{ exitCode: number | null } | undefined> {
  let exit: { exitCode: number | null } | undefined;
  void exited.then((exitCode) => (exit = { exitCode }));
  for (const deadline = Date.now() + DRIVER_DEFAULTS.startWaitMs; Date.now() < deadline; await sleep(100)) {
    if (exit) return exit;
    for (const workdir of workdirs) {
      const holder = await lockHolder(workdir);
      if (holder?.pid === pid && holder.host === hostname()) return undefined;
    }
  }
  return exit;
}

function followLines(config: string, options: SubmitOptions, log: string): string {
  const again = options.set.length ? " (add the same --set options)" : "";
  return [
    `  log     ${shownPath(log)}`,
    `  follow  dianjin-train status ${config}   ·   dianjin-train logs ${config} -f${again}`,
    `  stop    dianjin-train cancel ${config}`,
    "",
  ].join("\n");
}

function reportAlive(config: string, options: SubmitOptions, workdir: string, now: Exclude<DriverNow, { state: "ended" }>): number {
  const { record } = now;
  const where = now.state === "alive" ? `pid ${now.pid}` : `on host ${record.host}, pid ${record.pid}; it cannot be checked from here and has recorded no end`;
  process.stdout.write(`a driver submitted at ${record.submittedAt} is running this workdir (${where}); nothing was started\n`);
  if (now.state === "elsewhere") process.stdout.write(`  if that host lost it, delete ${join(driverDir(workdir), "driver.json")} and submit again\n`);
  process.stdout.write(followLines(config, options, driverLog(workdir, record)));
  return 0;
}

export async function submitDetachedCommand(config: string, options: SubmitOptions): Promise<number> {
  const plan = await planPipeline(config, { ...oneExperiment(options), only: options.only.length ? options.only : undefined });
  return submitDetached(config, options, plan.workdir, async () => [plan]);
}

/** A family: one driver runs the family's `run` (its variants one after another); its record is under the family's workdir. */
export async function submitDetachedFamily(config: string, family: Family, options: SubmitOptions): Promise<number> {
  const plans = async () => (await planFamily(family, planOptions(options))).plans.map((p) => p.plan);
  return submitDetached(config, options, family.workdir, plans);
}

/** `workdir` keeps the driver's record and log; `plans` are the experiments it runs (each holds its own workdir's lock). */
async function submitDetached(config: string, options: SubmitOptions, workdir: string, planned: () => Promise<Plan[]>): Promise<number> {
  const before = await driverNow(workdir);
  if (before && before.state !== "ended") return reportAlive(config, options, workdir, before);
  const plans = await planned();
  for (const plan of plans) await refuseUnlessReady(plan);
  if (!plans.some((plan) => plan.stages.some((s) => s.action === "run" || s.action === "resume" || s.action === "reattach"))) {
    process.stdout.write("every selected stage is up to date; nothing was started (`status` shows them, --force STAGE runs one again)\n");
    return 0;
  }
  const lock = await submitLock(workdir);
  try {
    // Another `submit` may have started a driver while this one planned.
    const now = await driverNow(workdir);
    if (now && now.state !== "ended") return reportAlive(config, options, workdir, now);
    // An attended `run` (or gc, rescore) using a workdir stops this here, saying who and what to do.
    for (const plan of plans) await (await acquireLock(plan.workdir, "dianjin-train submit")).release();
    const { record, exited } = await startDriver(workdir, config, options);
    const ended = await driverStarted(
      plans.map((p) => p.workdir),
      record.pid!,
      exited,
    );
    const log = driverLog(workdir, record);
    if (ended) return reportEarlyEnd(workdir, record, ended.exitCode, log);
    process.stdout.write(`submitted: the pipeline runs in a detached driver, pid ${record.pid}; closing this terminal does not stop it\n`);
    process.stdout.write(followLines(config, options, log));
    return 0;
  } finally {
    await lock.release();
  }
}

/** The driver ended before it took the workdir (nothing left to run, or a problem): what its log says. */
async function reportEarlyEnd(workdir: string, record: DriverRecord, exitCode: number | null, log: string): Promise<number> {
  const end = await driverEnd(workdir, record);
  if (exitCode === 0) {
    process.stdout.write(`the driver (pid ${record.pid}) ended at once: ${end?.status ?? "completed"}; its log: ${shownPath(log)}\n`);
    return 0;
  }
  process.stderr.write(`dianjin-train: the driver (pid ${record.pid}) ended at once (exit ${exitCode ?? "unknown"}); the end of its log, ${shownPath(log)}:\n`);
  for (const line of await tailLines(log, 20)) process.stderr.write(`  ${line}\n`);
  return exitCode && exitCode > 0 ? exitCode : 1;
}
