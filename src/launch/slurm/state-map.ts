// Slurm job states and exit codes → the launcher's JobState. Anything not known is `unknown`,
// which the pipeline treats as a failure, never as success.
import { constants } from "node:os";
import type { JobState } from "../types.js";

export type SlurmPhase = { active: true } | { active: false; state: JobState };

const ACTIVE = new Set([
  "PENDING",
  "CONFIGURING",
  "RUNNING",
  "COMPLETING",
  "REQUEUED",
  "REQUEUE_FED",
  "REQUEUE_HOLD",
  "RESIZING",
  "SUSPENDED",
  "STOPPED",
  "SIGNALING",
  "STAGE_OUT",
  "RESV_DEL_HOLD",
  "POWER_UP_NODE",
  "UPDATE_DB",
]);

const FINAL: Record<string, JobState> = {
  COMPLETED: "completed",
  FAILED: "failed",
  SPECIAL_EXIT: "failed",
  CANCELLED: "cancelled",
  REVOKED: "cancelled",
  TIMEOUT: "timeout",
  DEADLINE: "timeout",
  NODE_FAIL: "node-fail",
  BOOT_FAIL: "node-fail",
  PREEMPTED: "preempted",
  OUT_OF_MEMORY: "out-of-memory",
};

/** The state word as Slurm prints it: "CANCELLED by 0", sacct's truncated "CANCELLED+", lower case. */
export function normalizeSlurmState(raw: string): string {
  return (raw.trim().split(/\s+/)[0] ?? "").replace(/\+$/, "").toUpperCase();
}

export function mapSlurmState(raw: string): SlurmPhase {
  const word = normalizeSlurmState(raw);
  if (ACTIVE.has(word)) return { active: true };
  return { active: false, state: FINAL[word] ?? "unknown" };
}

export interface SlurmExit {
  exitCode: number | null;
  signal: string | null;
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** Slurm's `status:signal` pair, e.g. "7:0" → exit 7, "0:15" → SIGTERM. */
export function parseSlurmExitCode(text: string | undefined): SlurmExit {
  const m = /^(\d+):(\d+)$/.exec(text?.trim() ?? "");
  if (!m) return { exitCode: null, signal: null };
  const status = Number(m[1]);
  const signal = Number(m[2]);
  if (signal !== 0) return { exitCode: null, signal: SIGNAL_NAMES.get(signal) ?? `signal ${signal}` };
  return { exitCode: status, signal: null };
}
