// One Ray job being watched: `ray job status` each interval, new lines of `ray job logs` appended
// to the stage log and handed to onLine, the no-output watchdog, and `ray job stop` on cancel or
// abort.
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { LaunchError } from "../../errors.js";
import { LineSplitter } from "../slurm/lines.js";
import type { Job, JobOutcome, JobRecord, WaitOptions } from "../types.js";
import type { RayCommands } from "./commands.js";
import { RAY_DEFAULTS } from "./defaults.js";
import { mapRayStatus, parseRayJobStatus, stripRayCliPreamble, type RayStatusReading } from "./status.js";

export interface RayJobContext {
  ray: RayCommands;
  address: string;
  pollIntervalMs: number;
}

const ABORTED = Symbol("aborted");

function sleep(ms: number, signal: AbortSignal | undefined): Promise<typeof ABORTED | undefined> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(ABORTED);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(ABORTED);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(undefined);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Ray's failure message carries the entrypoint's exit code: "...failed with exit code 7, ...". */
function exitCodeFrom(message: string | undefined): number | null {
  const m = /exit code (-?\d+)/.exec(message ?? "");
  return m ? Number(m[1]) : null;
}

export class RayJob implements Job {
  /** Characters of `ray job logs` output already turned into lines. */
  private consumed = 0;
  private readonly lines = new LineSplitter();

  constructor(
    readonly record: JobRecord,
    private readonly context: RayJobContext,
    /** For reattach: the output Ray already holds, which the previous watcher has seen. */
    skipChars = 0,
  ) {
    this.consumed = skipChars;
  }

  async cancel(): Promise<void> {
    const r = await this.context.ray(["job", "stop", this.record.id, "--address", this.context.address, "--no-wait"]);
    if (r.exitCode !== 0) throw new LaunchError(`ray job stop ${this.record.id} failed: ${(r.stderr || r.stdout).trim()}`);
  }

  async status(): Promise<RayStatusReading> {
    const r = await this.context.ray(["job", "status", this.record.id, "--address", this.context.address]);
    const reading = parseRayJobStatus(`${r.stdout}\n${r.stderr}`);
    if (!reading) throw new LaunchError(`could not read \`ray job status ${this.record.id}\` (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(-300)}`);
    return reading;
  }

  /** The full log text as Ray holds it now. */
  async logText(): Promise<string> {
    const r = await this.context.ray(["job", "logs", this.record.id, "--address", this.context.address]);
    if (r.exitCode !== 0) throw new LaunchError(`ray job logs ${this.record.id} failed: ${(r.stderr || r.stdout).trim().slice(-300)}`);
    return stripRayCliPreamble(r.stdout);
  }

  /** New complete lines since the last call; appended to the stage log before they are handed out. */
  private async newLines(final: boolean): Promise<string[]> {
    const text = await this.logText();
    if (text.length < this.consumed) this.consumed = 0; // logs were reset: read them again from the start
    const lines = this.lines.push(text.slice(this.consumed));
    this.consumed = text.length;
    if (final) lines.push(...this.lines.flush());
    if (lines.length > 0) {
      await mkdir(dirname(this.record.logFile), { recursive: true });
      await appendFile(this.record.logFile, lines.map((l) => `${l}\n`).join(""));
    }
    return lines;
  }

  async wait(options: WaitOptions = {}): Promise<JobOutcome> {
    const watchdogMs = typeof this.record.extra?.watchdogMs === "number" ? this.record.extra.watchdogMs : undefined;
    const deliver = (lines: string[]) => {
      for (const line of lines) options.onLine?.(line);
      return lines.length;
    };
    let lastOutputAt = Date.now();
    let missing = 0;
    let failures = 0;

    for (let first = true; ; first = false) {
      const aborted = first ? options.signal?.aborted : (await sleep(this.context.pollIntervalMs, options.signal)) === ABORTED;
      if (aborted) return this.stop("interrupted", "aborted by the caller", deliver);

      let reading: RayStatusReading;
      try {
        reading = await this.status();
        if (reading.found && deliver(await this.newLines(false)) > 0) lastOutputAt = Date.now();
        failures = 0;
      } catch (error) {
        if (++failures >= RAY_DEFAULTS.maxQueryFailures) {
          throw new LaunchError(`lost contact with the Ray cluster at ${this.context.address} while watching job ${this.record.id}: ${String(error)}`);
        }
        continue;
      }
      if (!reading.found) {
        if (++missing >= RAY_DEFAULTS.missingPollsBeforeGone) {
          return { state: "unknown", exitCode: null, signal: null, reason: `Ray no longer knows job ${this.record.id}` };
        }
        continue;
      }
      missing = 0;
      const phase = mapRayStatus(reading.status);
      if (!phase.active) {
        deliver(await this.newLines(true));
        const exitCode = phase.state === "completed" ? 0 : exitCodeFrom(reading.message);
        const reason = reading.message ? `${reading.status}: ${reading.message}` : reading.status;
        return { state: phase.state, exitCode, signal: null, reason };
      }
      // Time spent pending is not silence: the watchdog counts running time only.
      const running = reading.status === "RUNNING";
      if (!running) lastOutputAt = Date.now();
      if (running && watchdogMs && Date.now() - lastOutputAt > watchdogMs) {
        return this.stop("hang", `no output for ${Math.round(watchdogMs / 1000)} s`, deliver);
      }
      await options.onTick?.();
    }
  }

  private async stop(state: "interrupted" | "hang", reason: string, deliver: (lines: string[]) => number): Promise<JobOutcome> {
    await this.cancel();
    const deadline = Date.now() + RAY_DEFAULTS.stopConfirmMs;
    while (Date.now() < deadline) {
      const reading = await this.status().catch(() => undefined);
      if (reading && (!reading.found || !mapRayStatus(reading.status).active)) break;
      await sleep(Math.min(this.context.pollIntervalMs, 1_000), undefined);
    }
    deliver(await this.newLines(true).catch(() => []));
    return { state, exitCode: null, signal: null, reason };
  }
}
