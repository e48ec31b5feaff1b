// Asking the Ray cluster about one job: `ray job status` (Ray's sentences, read by status.ts) and `ray job logs`.
import { LaunchError } from "../../errors.js";
import type { JobOutcome } from "../types.js";
import type { RayCommands } from "./commands.js";
import { mapRayStatus, parseRayJobStatus, stripRayCliPreamble, type RayStatusReading } from "./status.js";

export interface RayJobContext {
  ray: RayCommands;
  address: string;
  pollIntervalMs: number;
  /** A job PENDING this long gets Ray's reason written into its stage log. */
  pendingNoteMs: number;
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

/**
 * Ray's failure message carries the entrypoint's exit code: "Job entrypoint command failed with exit code 7, last
 * available logs ..." (JobSupervisor in ray/dashboard/modules/job/job_supervisor.py).
 */
function exitCodeFrom(message: string | undefined): number | null {
  const m = /exit code (-?\d+)/.exec(message ?? "");
  return m ? Number(m[1]) : null;
}

/** How an ended job ended in Ray's words: its status, the exit code from Ray's message, the message's first line. */
export function rayOutcome(reading: Extract<RayStatusReading, { found: true }>): JobOutcome | undefined {
  const phase = mapRayStatus(reading.status);
  if (phase.active) return undefined;
  const exitCode = phase.state === "completed" ? 0 : exitCodeFrom(reading.message);
  // The message's first line; the log tail Ray appends to a failure's message is in the stage log already.
  const message = reading.message?.replace(/, last available logs.*$/, "");
  const reason = message ? `${reading.status}: ${message}` : reading.status;
  return { state: phase.state, exitCode, signal: null, reason };
}
