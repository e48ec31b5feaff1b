// `logs -f` without a stage follows the pipeline, not one file: the stage that runs now (state.json says which, whoever
// runs it: an attended `run`, the detached driver, a chain of cluster jobs), then the next one's log from its start
// once it starts, after the rest of the previous one. It ends when nothing drives the workdir any more: no live
// driver, no live holder of the workdir lock, no stage whose job the launcher says is alive.
import { readdir, open } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Experiment } from "../config/schema.js";
import { UsageError } from "../errors.js";
import type { Launcher } from "../launch/types.js";
import { isAlive } from "../launch/process-tree.js";
import { driverNow } from "../pipeline/driver.js";
import { launcherFor } from "../pipeline/launchers.js";
import { checkLiveness } from "../pipeline/liveness.js";
import { lockHolder } from "../pipeline/lock.js";
import { stagePaths } from "../pipeline/plan.js";
import { LIVE_STATUSES } from "../pipeline/stage-status.js";
import { readState, type RunState, type StageState } from "../pipeline/state.js";
import { STAGE_ORDER } from "../stages/registry.js";
import { LineReader } from "../util/line-reader.js";

const POLL_MS = 500;
/** The launcher (squeue, ray job status) is asked at most this often; state.json and the driver every poll. */
const LAUNCHER_EVERY_MS = 5_000;
const TAIL_BYTES = 256 * 1024;

/**
 * The log of a stage's latest attempt: its job's, its launch intent's, or (in-process stages, which have no job) the
 * newest attempt log in its logs folder.
 */
export async function stageLogFile(workdir: string, name: string, s: StageState | undefined): Promise<string | undefined> {
  if (s?.job?.logFile) return s.job.logFile;
  if (s?.launch?.logFile) return s.launch.logFile;
  const dir = stagePaths(workdir, name).logs;
  const attempts = (await readdir(dir).catch(() => [] as string[]))
    .map((f) => ({ f, n: Number(/^attempt-(\d+)\.log$/.exec(f)?.[1]) }))
    .filter((a) => Number.isInteger(a.n))
    .sort((a, b) => b.n - a.n);
  return attempts[0] ? join(dir, attempts[0].f) : undefined;
}

const started = (s: StageState | undefined) => (s?.startedAt ? Date.parse(s.startedAt) : 0);

/** The stage to follow: the latest started of those running (a server serving while eval runs is not it), else the latest started. */
function currentStage(state: RunState): string | undefined {
  const recorded = STAGE_ORDER.filter((name) => state.stages[name]);
  const latest = (names: string[]) => names.reduce<string | undefined>((a, b) => (a && started(state.stages[a]) > started(state.stages[b]) ? a : b), undefined);
  const working = recorded.filter((name) => ["running", "launching"].includes(state.stages[name]!.status));
  return latest(working.length ? working : recorded);
}

/** Where the last `lines` lines of the file start (its size when it has fewer). */
async function tailStart(file: string, lines: number): Promise<number> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return 0;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let seen = 0;
    for (let i = length - 2; i >= 0; i--) if (buffer[i] === 0x0a && ++seen === lines) return size - length + i + 1;
    return size - length;
  } finally {
    await handle.close();
  }
}

/** Whether anything still drives the workdir; the launcher is asked only every LAUNCHER_EVERY_MS. */
function drivenCheck(experiment: Experiment): (state: RunState) => Promise<boolean> {
  let launcherSaid = { at: 0, alive: false };
  let launcher: Launcher | undefined;
  return async (state) => {
    const workdir = experiment.workdir;
    if ((await driverNow(workdir))?.state === "alive") return true;
    const holder = await lockHolder(workdir);
    if (holder && holder.host === hostname() && isAlive(holder.pid)) return true;
    const maybe = STAGE_ORDER.filter((name) => state.stages[name] && LIVE_STATUSES.includes(state.stages[name]!.status));
    if (!maybe.length) return false;
    if (Date.now() - launcherSaid.at >= LAUNCHER_EVERY_MS) {
      launcher ??= await launcherFor(experiment);
      const checks = await Promise.all(maybe.map((name) => checkLiveness(launcher!, name, state.stages[name]!)));
      launcherSaid = { at: Date.now(), alive: checks.some((c) => c.live.alive) };
    }
    return launcherSaid.alive;
  };
}

export async function followPipeline(experiment: Experiment, lines: number, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const print = (line: string) => void out.write(`${line}\n`);
  const driven = drivenCheck(experiment);
  let followed: { stage: string; file: string; reader: LineReader } | undefined;
  let first = true;
  for (;;) {
    // Asked before state.json is read: once nothing drives the workdir, the state read after it is the last word.
    const alive = await driven(await readState(experiment.workdir, experiment.name));
    const state = await readState(experiment.workdir, experiment.name);
    const stage = currentStage(state);
    const file = stage ? await stageLogFile(experiment.workdir, stage, state.stages[stage]) : undefined;
    if (first && !alive && !file) throw new UsageError("no stage has run yet");
    if (stage && file && file !== followed?.file) {
      if (followed) {
        await followed.reader.poll(print);
        followed.reader.flush(print);
      }
      print(`==> ${stage}: ${file} <==`);
      // The first log from its last lines, like tail -f; a stage that starts while we follow, from its start.
      followed = { stage, file, reader: new LineReader(file, first ? await tailStart(file, lines) : 0) };
    }
    first = false;
    await followed?.reader.poll(print);
    if (!alive) {
      followed?.reader.flush(print);
      process.stderr.write(`(nothing runs in ${experiment.workdir} any more)\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
