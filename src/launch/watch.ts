// The one loop that waits for a job, whatever launched it: polls the launcher's small probe, follows the job's log file
// and hands out its lines, ticks, ends the job when the caller aborts or the job goes silent (watchdog), and reads the
// last lines once the job has ended. Local, Slurm and Ray jobs only say how to ask about their job and how to end it.
import { LaunchError } from "../errors.js";
import { raceAbort, sleep } from "../util/abortable.js";
import type { LineReader } from "../util/line-reader.js";
import { WATCH_DEFAULTS } from "./defaults.js";
import type { JobOutcome, WaitOptions } from "./types.js";

/** What the launcher says of the job right now. */
export type ProbeReading =
  /** Running: silence counts against the watchdog. */
  | { state: "running" }
  /** Waiting for resources (pending, requeued): not silence. */
  | { state: "queued" }
  | { state: "ended"; outcome: JobOutcome };

export interface JobProbe {
  /** For messages: "<system> no longer knows job <id>", "lost contact with <contact> while watching job <id>". */
  readonly label: { id: string; system: string; contact?: string };
  /** The signal `cancel` sends, when the launcher knows it (local: SIGTERM to the group); else null is reported. */
  readonly stopSignal?: string;
  /** undefined when the launcher does not know the job (anymore); throws when the launcher could not be asked. */
  poll(): Promise<ProbeReading | undefined>;
  cancel(): Promise<void>;
}

export interface WatchOptions extends WaitOptions {
  /** Pause between polls. 0 when the probe paces itself (Slurm's shared poller). */
  pollMs: number;
  /** No new log output while running for this long → the job is cancelled and reported as `hang`. */
  watchdogMs?: number;
  /** Tick once more after the last lines were read (local jobs always did; stages read progress files then). */
  tickAfterEnd?: boolean;
}

/** The watchdog's words, in one unit: "no output for 12 min", "no output for 0.033 min". */
export function silenceReason(watchdogMs: number): string {
  const minutes = watchdogMs / 60_000;
  return `no output for ${minutes >= 10 ? Math.round(minutes) : Number(minutes.toPrecision(2))} min`;
}

const FAILED: unique symbol = Symbol("failed");

type Next = { kind: "reading"; reading: ProbeReading | undefined } | { kind: "failed"; error: unknown } | { kind: "aborted" };

/** Waits `pauseMs`, then asks the probe; an abort ends either wait at once. */
async function nextReading(probe: JobProbe, pauseMs: number, signal: AbortSignal | undefined): Promise<Next> {
  try {
    if (pauseMs > 0) await sleep(pauseMs, signal);
    if (signal?.aborted) return { kind: "aborted" };
    return { kind: "reading", reading: await raceAbort(probe.poll(), signal) };
  } catch (error) {
    return signal?.aborted ? { kind: "aborted" } : { kind: "failed", error };
  }
}

export async function watchJob(probe: JobProbe, log: LineReader, options: WatchOptions): Promise<JobOutcome> {
  const { signal } = options;
  const onLine = options.onLine ?? (() => undefined);
  const drain = async () => {
    await log.poll(onLine);
    log.flush(onLine);
  };
  const stop = (state: "interrupted" | "hang", reason: string) => stopJob(probe, state, reason, options.pollMs, drain);
  const { id, system, contact = system } = probe.label;
  let lastOutputAt = Date.now();
  let missing = 0;
  let failures = 0;

  for (let first = true; ; first = false) {
    const next = await nextReading(probe, first ? 0 : options.pollMs, signal);
    if (next.kind === "aborted") return stop("interrupted", "aborted by the caller");
    if ((await log.poll(onLine)) > 0) lastOutputAt = Date.now();
    if (next.kind === "failed") {
      if (++failures >= WATCH_DEFAULTS.maxProbeFailures) throw new LaunchError(`lost contact with ${contact} while watching job ${id}: ${String(next.error)}`);
      continue;
    }
    failures = 0;
    const reading = next.reading;
    if (!reading) {
      if (++missing < WATCH_DEFAULTS.missingPollsBeforeGone) continue;
      await drain();
      return { state: "unknown", exitCode: null, signal: null, reason: `${system} no longer knows job ${id}` };
    }
    missing = 0;
    if (reading.state === "ended") {
      await drain();
      if (options.tickAfterEnd) await options.onTick?.();
      return reading.outcome;
    }
    if (reading.state === "queued") lastOutputAt = Date.now();
    else if (options.watchdogMs && Date.now() - lastOutputAt > options.watchdogMs) return stop("hang", silenceReason(options.watchdogMs));
    await options.onTick?.();
  }
}

/** Cancel, give the launcher a moment to confirm the end, read the last lines, report `state`. */
async function stopJob(probe: JobProbe, state: "interrupted" | "hang", reason: string, pollMs: number, drain: () => Promise<void>): Promise<JobOutcome> {
  await probe.cancel();
  const deadline = Date.now() + WATCH_DEFAULTS.stopConfirmMs;
  while (Date.now() < deadline) {
    const reading = await probe.poll().catch((): typeof FAILED => FAILED);
    if (reading !== FAILED && (reading === undefined || reading.state === "ended")) break;
    await sleep(Math.min(pollMs, WATCH_DEFAULTS.stopConfirmPollMs));
  }
  await drain();
  return { state, exitCode: null, signal: probe.stopSignal ?? null, reason };
}
