// The exit status a launcher records next to a job's log: written by the process that waited for the tool (the local
// supervisor, the Slurm batch script) as soon as the tool ends, so how a job ended is known even when no CLI watched.
// Its absence after the job is gone proves nothing: such an end is a failure, never a success.
import { readFile, rm } from "node:fs/promises";
import { constants } from "node:os";
import type { JobOutcome } from "./types.js";

/** `<log>.exit`: one line, the shell's status of the tool (0-255; 128+n when signal n ended it). */
export function exitRecordPath(logFile: string): string {
  return `${logFile}.exit`;
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** The shell's status → exit code or signal (128+n is how sh reports a tool ended by signal n). */
export function exitOfStatus(status: number): { exitCode: number | null; signal: string | null } {
  const signal = status > 128 ? SIGNAL_NAMES.get(status - 128) : undefined;
  return signal ? { exitCode: null, signal } : { exitCode: status, signal: null };
}

/** How the job ended by its exit record; undefined when there is none (or it is not a status). */
export async function readExitRecord(logFile: string): Promise<JobOutcome | undefined> {
  const text = await readFile(exitRecordPath(logFile), "utf8").catch(() => undefined);
  const m = /^\s*(\d{1,3})\s*$/.exec(text ?? "");
  if (!m) return undefined;
  const exit = exitOfStatus(Number(m[1]));
  return { state: exit.exitCode === 0 ? "completed" : "failed", ...exit, reason: `exit status ${m[1]} recorded by the launcher` };
}

/** A new start of the tool: an older attempt's record must not speak for it. */
export async function clearExitRecord(logFile: string): Promise<void> {
  await rm(exitRecordPath(logFile), { force: true });
}
