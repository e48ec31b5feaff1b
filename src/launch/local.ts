// The local launcher: the tool runs under a tiny supervisor (supervisor.ts, which records its exit status) in its own
// process group, writing straight into the log file (so it survives this CLI being killed and can be reattached), and
// the log is tailed by byte offset like a cluster job's.
import { openSync, closeSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { LaunchError } from "../errors.js";
import { LineReader } from "../util/line-reader.js";
import type { Job, JobOutcome, JobRecord, JobSpec, Launcher, WaitOptions } from "./types.js";
import { endProcessGroup, groupAlive, isOurProcess, processesWithEnv, processStartTime } from "./process-tree.js";
import { LAUNCH_ID_ENV } from "./launch-id.js";
import { LOCAL_DEFAULTS } from "./defaults.js";
import { watchJob, type JobProbe, type ProbeReading } from "./watch.js";
import { clearExitRecord, readExitRecord } from "./exit-record.js";
import { supervised } from "./supervisor.js";

export interface LocalLauncherOptions {
  /** Base environment; the job's own variables go on top. */
  env?: NodeJS.ProcessEnv;
  pollMs?: number;
  /** Time between SIGTERM and SIGKILL when a job is ended. */
  graceMs?: number;
}

type Exit = { exitCode: number | null; signal: string | null };

class LocalJob implements Job, JobProbe {
  private exit: Exit | undefined;
  readonly label: JobProbe["label"];
  readonly stopSignal = "SIGTERM";

  constructor(
    readonly record: JobRecord,
    private readonly options: Required<Omit<LocalLauncherOptions, "env">>,
    private readonly watchdogMs: number | undefined,
    /** Only for a job this process started: how it exited. A reattached job's exit status cannot be known. */
    private readonly exited: Promise<Exit> | undefined,
  ) {
    this.label = { id: record.id, system: "the process table" };
    void exited?.then((exit) => (this.exit = exit));
  }

  get pid(): number {
    return Number(this.record.id);
  }

  async cancel(): Promise<void> {
    await endProcessGroup(this.pid, this.options.graceMs);
  }

  /**
   * Running while the leader (the supervisor) has not exited or any process of its group lives on. How it ended is the
   * supervisor's exit record; without one (the supervisor was killed too) a reattached job's end is unknown.
   */
  async poll(): Promise<ProbeReading> {
    if (this.exited) {
      if (!this.exit || groupAlive(this.pid)) return { state: "running" };
      const { exitCode, signal } = this.exit;
      const recorded = await readExitRecord(this.record.logFile);
      return { state: "ended", outcome: recorded ?? { state: exitCode === 0 ? "completed" : "failed", exitCode, signal } };
    }
    if (await localJobAlive(this.record)) return { state: "running" };
    return { state: "ended", outcome: await unwatchedOutcome(this.record) };
  }

  async wait(options: WaitOptions = {}): Promise<JobOutcome> {
    // From the start of the file, as local jobs have always been read.
    const log = new LineReader(this.record.logFile);
    return watchJob(this, log, { ...options, pollMs: this.options.pollMs, tickAfterEnd: true, ...(this.watchdogMs ? { watchdogMs: this.watchdogMs } : {}) });
  }
}

/** How a job nobody watched ended: its exit record, else unknown (never taken for success). */
async function unwatchedOutcome(record: JobRecord): Promise<JobOutcome> {
  return (await readExitRecord(record.logFile)) ?? { state: "ended-unobserved", exitCode: null, signal: null, reason: "no exit status was recorded" };
}

function launchIdOf(record: JobRecord): string | undefined {
  return typeof record.extra?.launchId === "string" ? record.extra.launchId : undefined;
}

/**
 * A job we did not start in this process is alive while its leader is (same pid and start time), or while any process
 * still carries its launchId (the leader exited but ranks it started live on).
 */
async function localJobAlive(record: JobRecord): Promise<boolean> {
  if (await isOurProcess(Number(record.id), record.startTime)) return true;
  const launchId = launchIdOf(record);
  return launchId !== undefined && (await processesWithEnv(LAUNCH_ID_ENV, launchId)).length > 0;
}

export function createLocalLauncher(options: LocalLauncherOptions = {}): Launcher {
  const settings = { pollMs: options.pollMs ?? LOCAL_DEFAULTS.pollMs, graceMs: options.graceMs ?? LOCAL_DEFAULTS.graceMs };
  return {
    name: "local",
    async submit(spec: JobSpec): Promise<Job> {
      mkdirSync(dirname(spec.logFile), { recursive: true });
      await clearExitRecord(spec.logFile);
      const [command, ...args] = supervised(spec.argv, spec.logFile);
      const fd = openSync(spec.logFile, "a");
      // node's spawn, not execa: the tool must get the raw log descriptor (no pipe through this process), so it
      // keeps running and logging if this CLI dies, and a later CLI can reattach. argv array, no shell.
      let child: ChildProcess;
      try {
        child = spawn(command!, args, {
          cwd: spec.cwd,
          env: { ...(options.env ?? process.env), ...spec.env, ...(spec.launchId ? { [LAUNCH_ID_ENV]: spec.launchId } : {}) },
          stdio: ["ignore", fd, fd],
          detached: true, // own process group: the whole tree is ended together, and Ctrl-C is ours to handle
        });
      } finally {
        closeSync(fd);
      }
      // The wait loop's timers keep this process alive while it watches; a job left running (deploy --detach) must not.
      child.unref();
      const exited = new Promise<{ exitCode: number | null; signal: string | null; error?: Error }>((resolve) => {
        child.once("error", (error) => resolve({ exitCode: null, signal: null, error }));
        child.once("exit", (exitCode, signal) => resolve({ exitCode, signal }));
      });
      const pid = child.pid;
      if (pid === undefined) {
        const result = await exited;
        throw new LaunchError(`could not start ${spec.argv[0]}: ${result.error?.message ?? "unknown error"}`);
      }
      const record: JobRecord = {
        launcher: "local",
        id: String(pid),
        logFile: spec.logFile,
        startTime: await processStartTime(pid),
        submittedAt: new Date().toISOString(),
        ...(spec.launchId ? { extra: { launchId: spec.launchId } } : {}),
      };
      return new LocalJob(record, settings, spec.watchdogMs, exited);
    },
    async reattach(record: JobRecord): Promise<Job | undefined> {
      if (record.launcher !== "local") return undefined;
      if (!(await localJobAlive(record))) return undefined;
      return new LocalJob(record, settings, undefined, undefined);
    },
    async find(launchId, hint): Promise<Job | undefined> {
      const tagged = await processesWithEnv(LAUNCH_ID_ENV, launchId);
      if (!tagged.length) return undefined;
      // The job was started as the leader of its own group; every process of the tree carries the launchId.
      const pgid = (tagged.find((p) => p.pid === p.pgid) ?? tagged.sort((a, b) => a.pid - b.pid)[0]!).pgid;
      const startTime = await processStartTime(pgid);
      const record: JobRecord = {
        launcher: "local",
        id: String(pgid),
        logFile: hint.logFile,
        ...(startTime ? { startTime } : {}),
        submittedAt: new Date().toISOString(),
        extra: { launchId: launchId },
      };
      return new LocalJob(record, settings, undefined, undefined);
    },
    async liveness(record: JobRecord) {
      if (await localJobAlive(record)) return { alive: true };
      const outcome = await readExitRecord(record.logFile);
      return outcome ? { alive: false, outcome } : { alive: false };
    },
  };
}
