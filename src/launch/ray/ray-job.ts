// One Ray job: its probe for the watch loop. Each poll asks `ray job status`, copies what `ray job logs` holds beyond
// what was copied before into the stage log (which the watch loop follows), and `ray job stop` ends the job.
import { appendFile } from "node:fs/promises";
import { LaunchError } from "../../errors.js";
import type { LineReader } from "../../util/line-reader.js";
import type { Job, JobOutcome, JobRecord, WaitOptions } from "../types.js";
import { watchJob, type JobProbe, type ProbeReading } from "../watch.js";
import { rayJobStatus, rayOutcome, type RayJobContext } from "./job-queries.js";
import type { RayLogCopy } from "./log-copy.js";

export class RayJob implements Job, JobProbe {
  readonly label: JobProbe["label"];
  private pendingNoted = false;
  private pendingSince: number | undefined;

  constructor(
    readonly record: JobRecord,
    private readonly context: RayJobContext,
    /** The stage log, from where this job's output starts. */
    private readonly log: LineReader,
    /** Copies Ray's output into the stage log, from where the previous watcher stopped. */
    private readonly copy: RayLogCopy,
  ) {
    this.label = { id: record.id, system: "Ray", contact: `the Ray cluster at ${context.address}` };
  }

  async cancel(): Promise<void> {
    const r = await this.context.ray(["job", "stop", this.record.id, "--address", this.context.address, "--no-wait"]);
    if (r.exitCode !== 0) throw new LaunchError(`ray job stop ${this.record.id} failed: ${(r.stderr || r.stdout).trim()}`);
  }

  async poll(): Promise<ProbeReading | undefined> {
    const reading = await rayJobStatus(this.context, this.record.id);
    if (!reading.found) return undefined;
    const outcome = rayOutcome(reading);
    // Logs are read after the status, so an ended job's logs are complete.
    await this.copy.copy(outcome !== undefined);
    if (outcome) return { state: "ended", outcome };
    if (reading.status === "RUNNING") return { state: "running" };
    // PENDING: Ray waits for the entrypoint's resources (--entrypoint-num-gpus) or its runtime env; not silence. When
    // that lasts, why (in Ray's words) goes into the stage log once, where `logs -f` and the display show it.
    this.pendingSince ??= Date.now();
    if (!this.pendingNoted && reading.message && Date.now() - this.pendingSince >= this.context.pendingNoteMs) {
      this.pendingNoted = true;
      await appendFile(this.record.logFile, `[dianjin-train] Ray job ${this.record.id} is ${reading.status}: ${reading.message}\n`);
    }
    return { state: "queued" };
  }

  wait(options: WaitOptions = {}): Promise<JobOutcome> {
    const watchdogMs = typeof this.record.extra?.watchdogMs === "number" ? this.record.extra.watchdogMs : undefined;
    return watchJob(this, this.log, { ...options, pollMs: this.context.pollIntervalMs, ...(watchdogMs ? { watchdogMs } : {}) });
  }
}
