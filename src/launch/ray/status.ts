// Reading `ray job status` output (the CLI prints sentences, not JSON) and mapping Ray's job
// statuses to the launcher's states.
import type { JobState } from "../types.js";

export type RayJobStatus = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "STOPPED";

export type RayStatusReading = { found: true; status: RayJobStatus | string; message?: string } | { found: false };

const ANSI = /\u001b\[[0-9;]*m/g;

export function parseRayJobStatus(output: string): RayStatusReading | undefined {
  const text = output.replace(ANSI, "");
  const message = /^Status message: (.*)$/m.exec(text)?.[1]?.trim();
  const withMessage = (status: string): RayStatusReading => (message ? { found: true, status, message } : { found: true, status });
  if (/Job '[^']*' succeeded/.test(text)) return withMessage("SUCCEEDED");
  if (/Job '[^']*' was stopped/.test(text)) return withMessage("STOPPED");
  if (/Job '[^']*' failed/.test(text)) return withMessage("FAILED");
  const other = /Status for job '[^']*': (\w+)/.exec(text);
  if (other) return withMessage(other[1]!);
  if (/does not exist|status code 404|not found/i.test(text)) return { found: false };
  return undefined;
}

export type RayPhase = { active: true } | { active: false; state: JobState };

export function mapRayStatus(status: string): RayPhase {
  switch (status.toUpperCase()) {
    case "PENDING":
    case "RUNNING":
      return { active: true };
    case "SUCCEEDED":
      return { active: false, state: "completed" };
    case "FAILED":
      return { active: false, state: "failed" };
    case "STOPPED":
      return { active: false, state: "cancelled" };
    default:
      return { active: false, state: "unknown" };
  }
}

/** `ray job logs` prints the server address line before the log itself. */
export function stripRayCliPreamble(output: string): string {
  return output.replace(/^Job submission server address: [^\n]*(?:\n|$)/, "");
}
