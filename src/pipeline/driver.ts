// The detached driver that `submit` starts under the local and Ray launchers: a `run` in its own session that carries
// the pipeline on while no terminal is open. Its record, <workdir>/driver/driver.json, says which process it is (pid,
// start time and the id in its argv, so a reused pid is never taken for it), where it logs, and where in the run log
// (events.jsonl) its records start; how it ended is its `run-end` record there (its run id is the driver id).
import { readdir, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { isAbsolute, join } from "node:path";
import { isOurProcess, signalGroup } from "../launch/process-tree.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { LineReader } from "../util/line-reader.js";
import { redactValue } from "../util/secrets.js";
import { EVENT_LOG_FILE } from "./log-level.js";
import { sleep } from "../util/abortable.js";

export const DRIVER_DEFAULTS = {
  /** How long `submit` waits for a new driver to take the workdir's lock (or end) before it returns anyway. */
  startWaitMs: 30_000,
  /** How long a `submit` waits for another `submit` of the same workdir to finish starting its driver. */
  submitLockWaitMs: 30_000,
  /** How long `cancel` gives the driver, after SIGTERM, to end its stage's processes and record it, before SIGKILL. */
  stopGraceMs: 60_000,
} as const;

/** The hidden `run` option that makes a run a driver: it ignores SIGHUP and logs under the driver's id. */
export const DRIVER_FLAG = "--as-driver";

export interface DriverRecord {
  version: 1;
  /** In the driver's argv (`run … --as-driver <id>`) and the run id of its records in events.jsonl. */
  id: string;
  host: string;
  /** Absent only in the write-ahead record, between its writing and the start of the process. */
  pid?: number;
  /** Field 22 of /proc/<pid>/stat. */
  startTime?: string;
  submittedAt: string;
  /** The CLI's arguments (`run <config> …`): --set values as typed (a literal secret is refused before), masked anyway. */
  argv: string[];
  cwd: string;
  /** Workdir-relative, like the paths in state.json. */
  logFile: string;
  attempt: number;
  /** The run log's size when the driver was started: its records come after. */
  eventsFrom: number;
}

/** How a driver ended: its `run-end` record, with the failure's summary when one was recorded. */
export interface DriverEnd {
  status: string;
  exitCode?: number;
  at?: string;
  cause?: string;
}

export type DriverNow =
  | { state: "alive"; record: DriverRecord; pid: number }
  /** On another host: its process cannot be checked from here, and no end is recorded. */
  | { state: "elsewhere"; record: DriverRecord }
  | { state: "ended"; record: DriverRecord; end?: DriverEnd };

export function driverDir(workdir: string): string {
  return join(workdir, "driver");
}

const recordPath = (workdir: string) => join(driverDir(workdir), "driver.json");

export function driverLog(workdir: string, record: Pick<DriverRecord, "logFile">): string {
  return isAbsolute(record.logFile) ? record.logFile : join(workdir, record.logFile);
}

export async function readDriver(workdir: string): Promise<DriverRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(recordPath(workdir), "utf8")) as DriverRecord;
    return record.version === 1 && typeof record.id === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}

export async function writeDriver(workdir: string, record: DriverRecord): Promise<void> {
  await writeJsonAtomic(recordPath(workdir), redactValue(record));
}

/** The driver argv marker, NUL-separated as in /proc/<pid>/cmdline. */
const marker = (id: string) => `${DRIVER_FLAG}\0${id}\0`;

async function cmdlineHas(pid: number, id: string): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).includes(marker(id));
  } catch {
    return false;
  }
}

/** A live process carrying the driver's id in its argv (only needed when the record lost its pid to a crash). */
async function findById(id: string): Promise<number | undefined> {
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (/^\d+$/.test(entry) && (await cmdlineHas(Number(entry), id)) && (await isOurProcess(Number(entry), undefined))) return Number(entry);
  }
  return undefined;
}

/** The driver's pid if it runs on this host now: same pid, same start time, and its id in the argv. */
export async function liveDriverPid(record: DriverRecord): Promise<number | undefined> {
  if (record.host !== hostname()) return undefined;
  if (record.pid === undefined) return findById(record.id);
  const ours = (await isOurProcess(record.pid, record.startTime)) && (await cmdlineHas(record.pid, record.id));
  return ours ? record.pid : undefined;
}

/** The driver's `run-end` (and `failure`) records in the run log, read from where its records start. */
export async function driverEnd(workdir: string, record: DriverRecord): Promise<DriverEnd | undefined> {
  const reader = new LineReader(join(workdir, EVENT_LOG_FILE), record.eventsFrom);
  const tag = Buffer.from(`"run":"${record.id}"`);
  let end: DriverEnd | undefined;
  let cause: string | undefined;
  await reader.pollRaw((data, start, stop) => {
    const at = data.indexOf(tag, start);
    if (at < 0 || at >= stop) return;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(data.toString("utf8", start, stop)) as Record<string, unknown>;
    } catch {
      return;
    }
    if (line.msg === "failure") cause = [line.stage, line.summary ?? line.message ?? line.code].filter(Boolean).join(": ");
    if (line.msg === "run-end") {
      end = {
        status: String(line.status),
        ...(typeof line.exitCode === "number" ? { exitCode: line.exitCode } : {}),
        ...(typeof line.time === "number" ? { at: new Date(line.time).toISOString() } : {}),
      };
    }
  });
  return end && cause && end.status === "failed" ? { ...end, cause } : end;
}

/** The workdir's driver as it is now, or undefined when `submit` never started one here. */
export async function driverNow(workdir: string): Promise<DriverNow | undefined> {
  const record = await readDriver(workdir);
  if (!record) return undefined;
  const pid = await liveDriverPid(record);
  if (pid !== undefined) return { state: "alive", record, pid };
  const end = await driverEnd(workdir, record);
  if (!end && record.host !== hostname()) return { state: "elsewhere", record };
  return { state: "ended", record, ...(end ? { end } : {}) };
}

/**
 * Ends a live driver: SIGTERM to its process group (it leads its own session), which makes its `run` stop the running
 * stage's processes and record the stage as interrupted; SIGKILL after `graceMs` if it is still there. Resolves once
 * it is gone; false if even SIGKILL left it (then nothing more can be done from here).
 */
export async function stopDriver(record: DriverRecord, pid: number, graceMs: number = DRIVER_DEFAULTS.stopGraceMs): Promise<boolean> {
  const gone = async () => (await liveDriverPid({ ...record, pid })) === undefined;
  signalGroup(pid, "SIGTERM");
  for (const deadline = Date.now() + graceMs; Date.now() < deadline; await sleep(100)) if (await gone()) return true;
  signalGroup(pid, "SIGKILL");
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(100)) if (await gone()) return true;
  return gone();
}
