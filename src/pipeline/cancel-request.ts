// Who ended a job: `dianjin-train cancel` writes its request next to the job's log (`<log>.cancel`) *before* it ends the
// job (write-ahead), so whoever records the end — the CLI watching it, a later `run`, `status` — records the same thing:
// cancelled by us when the request is there, cancelled by someone else when the launcher says cancelled without one.
import { readFile, rm, writeFile } from "node:fs/promises";
import type { FailureCause } from "../errors.js";
import type { JobOutcome } from "../launch/types.js";

export interface CancelRequest {
  /** The job the request was for (a later job writing to the same log is not cancelled by it). */
  job: string;
  by: "dianjin-train cancel";
  at: string;
}

export function cancelRequestPath(logFile: string): string {
  return `${logFile}.cancel`;
}

export async function requestCancel(logFile: string, job: string): Promise<CancelRequest> {
  const request: CancelRequest = { job, by: "dianjin-train cancel", at: new Date().toISOString() };
  await writeFile(cancelRequestPath(logFile), `${JSON.stringify(request)}\n`);
  return request;
}

/** The request for `job` (any job when undefined), if one was written. */
export async function readCancelRequest(logFile: string | undefined, job?: string): Promise<CancelRequest | undefined> {
  if (!logFile) return undefined;
  try {
    const request = JSON.parse(await readFile(cancelRequestPath(logFile), "utf8")) as CancelRequest;
    return job === undefined || request.job === job ? request : undefined;
  } catch {
    return undefined;
  }
}

/** A new job writes to this log: an older request must not speak for it. */
export async function clearCancelRequest(logFile: string): Promise<void> {
  await rm(cancelRequestPath(logFile), { force: true });
}

export function cancelledBy(request: CancelRequest): FailureCause {
  return { id: "cancelled", summary: `cancelled by ${request.by}`, hint: "run again to resume from the newest complete checkpoint" };
}

/**
 * The cause of an end that was a cancel: ours when requested (whatever the launcher saw: Slurm CANCELLED, Ray STOPPED,
 * a SIGTERM exit), someone else's when the launcher says cancelled without our request. undefined: not a cancel.
 */
export function cancelCause(outcome: JobOutcome, request: CancelRequest | undefined): FailureCause | undefined {
  if (request && outcome.state !== "completed") return cancelledBy(request);
  if (outcome.state !== "cancelled") return undefined;
  return {
    id: "cancelled",
    summary: `cancelled by someone else (${outcome.reason ?? "cancelled"})`,
    hint: "the job was ended outside dianjin-train (scancel, ray job stop, kill); run again to resume from the newest complete checkpoint",
  };
}
