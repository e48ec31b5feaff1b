// One submitted Slurm job being watched: polls its state through the shared poller, streams its
// log, enforces the no-output watchdog, and scancels it on cancel() or when the caller aborts.
import { LaunchError } from "../../errors.js";
import type { Job, JobOutcome, JobRecord, WaitOptions } from "../types.js";
import type { SlurmCommands } from "./commands.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import type { SlurmJobStatus } from "./poll.js";
import type { SlurmPoller } from "./poller.js";
import type { LogTail } from "./tail.js";

export interface SlurmJobContext {
  commands: SlurmCommands;
  poller: SlurmPoller;
}

/** Consecutive failed status queries before the watch gives up. */
const MAX_QUERY_FAILURES = 5;

const ABORTED = Symbol("aborted");

function untilAborted(signal: AbortSignal | undefined): Promise<typeof ABORTED> | undefined {
  if (!signal) return undefined;
  return new Promise((resolve) => {
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener("abort", () => resolve(ABORTED), { once: true });
  });
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

export class SlurmJob implements Job {
  constructor(
    readonly record: JobRecord,
    private readonly context: SlurmJobContext,
    private readonly tail: LogTail,
  ) {}

  private get cluster(): string | undefined {
    return typeof this.record.extra?.cluster === "string" ? this.record.extra.cluster : undefined;
  }

  private poll() {
    return this.context.poller.next(this.record.id, this.cluster);
  }

  async cancel(): Promise<void> {
    const on = this.cluster ? ["-M", this.cluster] : [];
    const r = await this.context.commands.run("scancel", [...on, this.record.id]);
    if (r.exitCode !== 0) throw new LaunchError(`scancel ${this.record.id} failed: ${(r.stderr || r.stdout).trim()}`);
  }

  async wait(options: WaitOptions = {}): Promise<JobOutcome> {
    const id = this.record.id;
    const watchdogMs = typeof this.record.extra?.watchdogMs === "number" ? this.record.extra.watchdogMs : undefined;
    const aborted = untilAborted(options.signal);
    const deliver = (lines: string[]) => {
      for (const line of lines) options.onLine?.(line);
      return lines.length;
    };
    let lastOutputAt = Date.now();
    let missing = 0;
    let failures = 0;

    for (;;) {
      const round = await (aborted ? Promise.race([this.poll(), aborted]) : this.poll());
      if (round === ABORTED) return this.stop("interrupted", "aborted by the caller", deliver);
      if (deliver(await this.tail.read()) > 0) lastOutputAt = Date.now();

      if (!round.ok) {
        if (++failures >= MAX_QUERY_FAILURES) {
          throw new LaunchError(`lost contact with Slurm while watching job ${id}: ${String(round.error)}`);
        }
        continue;
      }
      failures = 0;
      const status = round.status;
      if (!status) {
        if (++missing >= SLURM_DEFAULTS.missingPollsBeforeGone) {
          deliver(await this.tail.drain());
          return { state: "unknown", exitCode: null, signal: null, reason: `Slurm no longer knows job ${id}` };
        }
        continue;
      }
      missing = 0;
      if (!status.phase.active) {
        deliver(await this.tail.drain());
        return outcomeOf(status);
      }
      // Time spent queued (at first or after a requeue) is not silence: the watchdog counts running time only.
      const running = status.rawState.startsWith("RUNNING");
      if (!running) lastOutputAt = Date.now();
      if (running && watchdogMs && Date.now() - lastOutputAt > watchdogMs) {
        return this.stop("hang", `no output for ${Math.round(watchdogMs / 1000)} s`, deliver);
      }
      await options.onTick?.();
    }
  }

  /** scancel, give Slurm a moment to confirm, collect the last lines, report `state`. */
  private async stop(state: "interrupted" | "hang", reason: string, deliver: (lines: string[]) => number): Promise<JobOutcome> {
    await this.cancel();
    const deadline = Date.now() + SLURM_DEFAULTS.cancelConfirmMs;
    while (Date.now() < deadline) {
      const round = await this.poll();
      if (round.ok && (!round.status || !round.status.phase.active)) break;
    }
    deliver(await this.tail.drain());
    return { state, exitCode: null, signal: null, reason };
  }
}
