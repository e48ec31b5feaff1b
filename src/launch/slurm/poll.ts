// Reading the state of many jobs with one Slurm query: sacct when accounting works, otherwise
// `squeue -t all` (which keeps finished jobs until MinJobAge) plus one `scontrol show job` per
// job that has just finished, for its exit code.
import { mapSlurmState, parseSlurmExitCode, type SlurmPhase } from "./state-map.js";
import type { SlurmCommands } from "./commands.js";

export interface SlurmJobStatus {
  id: string;
  /** Slurm's own word, e.g. "CANCELLED by 0". */
  rawState: string;
  phase: SlurmPhase;
  exitCode: number | null;
  signal: string | null;
  reason?: string;
}

function status(id: string, rawState: string, exit: string | undefined, reason: string | undefined): SlurmJobStatus {
  const cleanReason = reason && reason !== "None" && reason !== "(null)" ? reason : undefined;
  return {
    id,
    rawState,
    phase: mapSlurmState(rawState),
    ...parseSlurmExitCode(exit),
    ...(cleanReason ? { reason: cleanReason } : {}),
  };
}

/** `sacct -X -P -n --format=JobIDRaw,State,ExitCode,Reason` rows; the last row of a job wins (requeues). */
export function parseSacct(stdout: string): Map<string, SlurmJobStatus> {
  const out = new Map<string, SlurmJobStatus>();
  for (const line of stdout.split("\n")) {
    const [id, state, exit, reason] = line.trim().split("|");
    // Step rows (12.batch, 12.0) and het components (12+1) describe parts of a job, not the job.
    if (!id || !state || /[.+]/.test(id)) continue;
    out.set(id, status(id, state, exit, reason));
  }
  return out;
}

/** `squeue -h -t all -o '%i|%T|%r'` rows (no exit code in squeue). */
export function parseSqueue(stdout: string): Map<string, SlurmJobStatus> {
  const out = new Map<string, SlurmJobStatus>();
  for (const line of stdout.split("\n")) {
    const [id, state, reason] = line.trim().split("|");
    if (!id || !state) continue;
    out.set(id, status(id, state, undefined, reason));
  }
  return out;
}

/** One job from `scontrol show job -o <id>` (key=value words on one line). */
export function parseScontrolJob(stdout: string): SlurmJobStatus | undefined {
  const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S+)`).exec(stdout)?.[1];
  const id = field("JobId");
  const state = field("JobState");
  if (!id || !state) return undefined;
  return status(id, state, field("ExitCode"), field("Reason"));
}

const NO_SUCH_JOB = /Invalid job id/i;

export class SlurmStatusQuery {
  /** undefined until the first sacct call tells whether accounting works on this cluster. */
  private accounting: boolean | undefined;

  constructor(private readonly commands: SlurmCommands) {}

  /**
   * Statuses of the given jobs (of `cluster` when sbatch named one); a job Slurm no longer knows
   * is simply absent from the map.
   */
  async statuses(ids: readonly string[], cluster?: string): Promise<Map<string, SlurmJobStatus>> {
    if (ids.length === 0) return new Map();
    const on = cluster ? ["-M", cluster] : [];
    const found = this.accounting === false ? new Map<string, SlurmJobStatus>() : await this.fromSacct(ids, on);
    const rest = ids.filter((id) => !found.has(id));
    if (rest.length > 0) for (const [id, s] of await this.fromSqueue(rest, on)) found.set(id, s);
    return found;
  }

  private async fromSacct(ids: readonly string[], on: string[]): Promise<Map<string, SlurmJobStatus>> {
    const r = await this.commands.run("sacct", [...on, "-X", "-P", "-n", "-j", ids.join(","), "--format=JobIDRaw,State,ExitCode,Reason"]);
    if (r.exitCode !== 0) {
      // "Slurm accounting storage is disabled" and friends: use squeue/scontrol from now on.
      this.accounting = false;
      return new Map();
    }
    this.accounting = true;
    return parseSacct(r.stdout);
  }

  private async fromSqueue(ids: readonly string[], on: string[]): Promise<Map<string, SlurmJobStatus>> {
    // With -M, squeue adds a "CLUSTER: name" line, which has no "|" and is skipped by the parser.
    const r = await this.commands.run("squeue", [...on, "-h", "-t", "all", "-j", ids.join(","), "-o", "%i|%T|%r"]);
    if (r.exitCode !== 0) {
      if (NO_SUCH_JOB.test(r.stderr + r.stdout)) return new Map();
      throw new Error(`squeue failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim()}`);
    }
    const found = parseSqueue(r.stdout);
    for (const [id, s] of found) {
      if (s.phase.active) continue;
      // squeue has no exit code; a finished job is asked about once more, on its own.
      const detail = await this.commands.run("scontrol", [...on, "show", "job", "-o", id]);
      const parsed = detail.exitCode === 0 ? parseScontrolJob(detail.stdout) : undefined;
      if (parsed) found.set(id, parsed);
    }
    return found;
  }
}
