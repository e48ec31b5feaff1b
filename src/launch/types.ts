// The launcher interface: how a stage's process (or cluster job) is started, watched, cancelled and reattached.
// A stage renders a JobSpec; the pipeline submits it, records `job.record` in state *before* waiting, and on a
// later CLI start calls `reattach(record)` so a still-running job is watched again instead of launched twice.
import type { JobTool } from "./tool-missing.js";

export type LauncherName = "local" | "slurm" | "ray";

export interface JobSpec {
  /** Stage name, used for job names and messages. */
  stage: string;
  /** Executable and arguments. Never a shell string. */
  argv: string[];
  /** Variables added on top of the launcher's base environment. */
  env: Record<string, string>;
  cwd: string;
  /** stdout and stderr of the job go here (appended). */
  logFile: string;
  /** Cluster shape for launchers that allocate (slurm). Local ignores these. */
  nodes?: number;
  gpusPerNode?: number;
  /** Run before the command whenever the launcher restarts the job by itself (a Slurm requeue); never a shell string. */
  restartArgv?: string[];
  /** No output for this long → the job is ended and reported as `hang`. */
  watchdogMs?: number;
  /**
   * The launch launchId already written to state.json (see launchId.ts). The job carries it (environment, Slurm job name,
   * Ray submission id) so `find` can recognise it later.
   */
  launchId?: string;
  /**
   * The tool argv starts. A launcher that runs the job on another machine (Slurm, Ray) looks for it there, after its
   * setup, before anything starts; the local launcher's caller has looked for it here.
   */
  tool?: JobTool;
}

/** What is stored in state.json about a job, enough to reattach to it from another process. */
export interface JobRecord {
  launcher: LauncherName;
  /** pid for local, job id for slurm and ray. */
  id: string;
  logFile: string;
  /** Local: the process start time (from /proc) so a reused pid is not mistaken for our job. */
  startTime?: string;
  submittedAt: string;
  /** Launcher-specific extras (slurm: script path, cluster). Must be JSON-serializable. */
  extra?: Record<string, unknown>;
}

export type JobState =
  | "completed"
  | "failed"
  | "cancelled"
  | "timeout"
  | "hang"
  | "node-fail"
  | "preempted"
  | "out-of-memory"
  | "interrupted"
  /** The job ended while nobody watched and its exit status cannot be known (local reattach). */
  | "ended-unobserved"
  | "unknown";

export interface JobOutcome {
  state: JobState;
  exitCode: number | null;
  signal: string | null;
  /** Launcher's words for why (e.g. Slurm's Reason field). */
  reason?: string;
}

export interface WaitOptions {
  /** Called with each complete line of job output as it streams (already written to the log file). */
  onLine?: (line: string) => void;
  /** Called every poll interval while the job runs (stages use it to read progress files). */
  onTick?: () => void | Promise<void>;
  /** The launcher restarted the job by itself (a Slurm requeue); `restart` counts from 1. */
  onRestart?: (restart: number) => void;
  /** Aborting ends the job (whole process tree / scancel) and resolves with state `interrupted`. */
  signal?: AbortSignal;
}

export interface Job {
  readonly record: JobRecord;
  /** The job's process on this machine, when it runs here (local, or a stage script inside this chain job). */
  readonly pid?: number;
  wait(options?: WaitOptions): Promise<JobOutcome>;
  cancel(): Promise<void>;
}

/** What the launcher knows of a recorded job right now. */
export type Liveness =
  | { alive: true }
  /** `outcome` when the launcher can still say how it ended (Slurm's accounting, Ray's job table). */
  | { alive: false; outcome?: JobOutcome };

export interface Launcher {
  readonly name: LauncherName;
  submit(spec: JobSpec): Promise<Job>;
  /** A Job for a recorded, still-running job; undefined when it is gone. */
  reattach(record: JobRecord): Promise<Job | undefined>;
  /**
   * A still-running job that was started with `launchId`, found without its record (the CLI died between starting it
   * and recording it). `hint` is what the intent recorded.
   */
  find(launchId: string, hint: { stage: string; logFile: string }): Promise<Job | undefined>;
  /** Asks the launcher (process table, sacct, ray job status) whether a recorded job still runs. */
  liveness(record: JobRecord): Promise<Liveness>;
}
