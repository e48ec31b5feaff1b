// One Ray job: its probe for the watch loop. Each poll asks `ray job status`, copies what `ray job logs` holds beyond
// what was copied before into the stage log (which the watch loop follows), and `ray job stop` ends the job.
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { LaunchError } from "../../errors.js";
import type { LineReader } from "../../util/line-reader.js";
import type { Job, JobOutcome, JobRecord, WaitOptions } from "../types.js";
import { watchJob, type JobProbe, type ProbeReading } from "../watch.js";
import type { RayCommands } from "./commands.js";
import { mapRayStatus, parseRayJobStatus, stripRayCliPreamble, type RayStatusReading } from "./status.js";

export interface RayJobContext {
  ray: RayCommands;
  address: string;
  pollIntervalMs: number;
}

/** Ray's failure message carries the entrypoint's exit code: "...failed with exit code 7, ...". */
function exitCodeFrom(message: string | undefined): number | null {
  const m = /exit code (-?\d+)/.exec(message ?? "");
  return m ? Number(m[1]) : null;
}

export async function rayJobStatus(context: RayJobContext, id: string): Promise<RayStatusReading> {
  const r = await context.ray(["job", "status", id, "--address", context.address]);
  const reading = parseRayJobStatus(`${r.stdout}\n${r.stderr}`);
  if (!reading) throw new LaunchError(`could not read \`ray job status ${id}\` (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(-300)}`);
  return reading;
}

/** The full log text as Ray holds it now. */
export async function rayJobLogText(context: RayJobContext, id: string): Promise<string> {
  const r = await context.ray(["job", "logs", id, "--address", context.address]);
  if (r.exitCode !== 0) throw new LaunchError(`ray job logs ${id} failed: ${(r.stderr || r.stdout).trim().slice(-300)}`);
  return stripRayCliPreamble(r.stdout);
}

export class RayJob implements Job, JobProbe {
  readonly label: JobProbe["label"];
  /** Characters of `ray job logs` output already copied to the stage log. */
  private consumed: number;
  private copiedEndsWithNewline = true;

  constructor(
    readonly record: JobRecord,
    private readonly context: RayJobContext,
    /** The stage log, from where this job's output starts. */
    private readonly log: LineReader,
    /** For reattach: the output Ray already holds, which the previous watcher has seen. */
    skipChars = 0,
  ) {
    this.consumed = skipChars;
    this.label = { id: record.id, system: "Ray", contact: `the Ray cluster at ${context.address}` };
  }

  async cancel(): Promise<void> {
    const r = await this.context.ray(["job", "stop", this.record.id, "--address", this.context.address, "--no-wait"]);
    if (r.exitCode !== 0) throw new LaunchError(`ray job stop ${this.record.id} failed: ${(r.stderr || r.stdout).trim()}`);
  }

  async poll(): Promise<ProbeReading | undefined> {
    const reading = await rayJobStatus(this.context, this.record.id);
    if (!reading.found) return undefined;
    const phase = mapRayStatus(reading.status);
    // Logs are read after the status, so an ended job's logs are complete.
    await this.copyLog(!phase.active);
    if (phase.active) return { state: reading.status === "RUNNING" ? "running" : "queued" };
    const exitCode = phase.state === "completed" ? 0 : exitCodeFrom(reading.message);
    const reason = reading.message ? `${reading.status}: ${reading.message}` : reading.status;
    return { state: "ended", outcome: { state: phase.state, exitCode, signal: null, reason } };
  }

  /** Appends Ray's new output to the stage log; `ended` closes an unfinished last line so later writes start fresh. */
  private async copyLog(ended: boolean): Promise<void> {
    const text = await rayJobLogText(this.context, this.record.id);
    if (text.length < this.consumed) this.consumed = 0; // logs were reset: copy them again from the start
    let fresh = text.slice(this.consumed);
    this.consumed = text.length;
    if (ended && !(fresh ? fresh.endsWith("\n") : this.copiedEndsWithNewline)) fresh += "\n";
    if (!fresh) return;
    await mkdir(dirname(this.record.logFile), { recursive: true });
    await appendFile(this.record.logFile, fresh);
    this.copiedEndsWithNewline = fresh.endsWith("\n");
  }

  wait(options: WaitOptions = {}): Promise<JobOutcome> {
    const watchdogMs = typeof this.record.extra?.watchdogMs === "number" ? this.record.extra.watchdogMs : undefined;
    return watchJob(this, this.log, { ...options, pollMs: this.context.pollIntervalMs, ...(watchdogMs ? { watchdogMs } : {}) });
  }
}
