// One submitted Slurm job: its probe for the watch loop (state through the shared poller, scancel), nothing else.
import { LaunchError } from "../../errors.js";
import type { LineReader } from "../../util/line-reader.js";
import type { Job, JobOutcome, JobRecord, WaitOptions } from "../types.js";
import { watchJob, type JobProbe, type ProbeReading } from "../watch.js";
import type { SlurmCommands } from "./commands.js";
import type { SlurmJobStatus } from "./poll.js";
import type { SlurmPoller } from "./poller.js";

export interface SlurmJobContext {
  commands: SlurmCommands;
  poller: SlurmPoller;
}

export function outcomeOf(status: SlurmJobStatus): JobOutcome {
  if (status.phase.active) throw new Error("job is still active");
  return {
    state: status.phase.state,
    exitCode: status.exitCode,
    signal: status.signal,
    reason: status.reason ? `${status.rawState} (${status.reason})` : status.rawState,
  };
}

export class SlurmJob implements Job, JobProbe {
  readonly label: JobProbe["label"];

  constructor(
    readonly record: JobRecord,
    private readonly context: SlurmJobContext,
    /** The stage log, from where this job's output starts. */
    private readonly log: LineReader,
  ) {
    this.label = { id: record.id, system: "Slurm" };
  }

  private get cluster(): string | undefined {
    return typeof this.record.extra?.cluster === "string" ? this.record.extra.cluster : undefined;
  }

  async poll(): Promise<ProbeReading | undefined> {
    const round = await this.context.poller.next(this.record.id, this.cluster);
    if (!round.ok) throw round.error;
    const status = round.status;
    if (!status) return undefined;
    if (!status.phase.active) return { state: "ended", outcome: outcomeOf(status) };
    // Time spent queued (at first or after a requeue) is not silence: the watchdog counts running time only.
    return { state: status.rawState.startsWith("RUNNING") ? "running" : "queued" };
  }

  async cancel(): Promise<void> {
    const on = this.cluster ? ["-M", this.cluster] : [];
    const r = await this.context.commands.run("scancel", [...on, this.record.id]);
    if (r.exitCode !== 0) throw new LaunchError(`scancel ${this.record.id} failed: ${(r.stderr || r.stdout).trim()}`);
  }

  wait(options: WaitOptions = {}): Promise<JobOutcome> {
    const watchdogMs = typeof this.record.extra?.watchdogMs === "number" ? this.record.extra.watchdogMs : undefined;
    // pollMs 0: the shared poller already spaces its rounds one interval apart for every job it watches.
    return watchJob(this, this.log, { ...options, onLine: restartsSeen(options), pollMs: 0, ...(watchdogMs ? { watchdogMs } : {}) });
  }
}

/** The batch script's first line of each start (prologue.ts) carries Slurm's restart count. */
const START_LINE = /^\[dianjin-train\] slurm job \S+ attempt (\d+) on /;

/** Lines go on as they came; a start with a restart count not seen before is reported as a restart. */
function restartsSeen(options: WaitOptions): WaitOptions["onLine"] {
  const { onLine, onRestart } = options;
  if (!onRestart) return onLine;
  let seen = 0;
  return (line) => {
    const restart = Number(START_LINE.exec(line)?.[1] ?? 0);
    if (restart > seen) {
      seen = restart;
      onRestart(restart);
    }
    onLine?.(line);
  };
}
