// A job that ended while no CLI watched is judged on evidence only: it completed when the launcher recorded a good
// exit (Slurm's accounting, Ray's job table, the local supervisor's exit record) and the stage's own proof of being
// finished holds. Anything else is a failure, its cause read from the log tail like a watched failure's.
import type { JobOutcome } from "../launch/types.js";
import type { StageModule } from "../contract/stage.js";
import type { FailureCause } from "../errors.js";
import { tailLines } from "../util/line-reader.js";
import { cancelCause, readCancelRequest } from "./cancel-request.js";
import { describeOutcome } from "./outcome.js";
import type { StageState } from "./state.js";

/** A recorded job that is no longer alive, as planning found it. */
export interface EndedJob {
  /** "pid 123 ended while no CLI watched", "slurm job 7 was cancelled (...)" */
  words: string;
  /** What the launcher recorded of its end; undefined when nothing was (no evidence either way). */
  outcome?: JobOutcome;
  logFile?: string;
  /** The launcher's id of the job (a cancel request names the job it was for). */
  jobId?: string;
}

export type StageFailure = NonNullable<StageState["failure"]>;

const LOG_TAIL_LINES = 400;

/** Whether the launcher's record proves a good exit (the stage's finished proof is checked besides). */
export function exitedWell(ended: EndedJob): boolean {
  return ended.outcome?.state === "completed";
}

/** The failure an unwatched end without proof of completion is recorded as, classified from the log tail. */
export async function unwatchedFailure(def: StageModule, ended: EndedJob): Promise<StageFailure> {
  const outcome: JobOutcome = ended.outcome ?? { state: "ended-unobserved", exitCode: null, signal: null };
  // A cancel is one whoever caused it, recorded as a watcher would: ours when `cancel` asked for it, else someone else's.
  const cancelled = cancelCause(outcome, await readCancelRequest(ended.logFile, ended.jobId));
  const reason = outcome.reason ? { reason: outcome.reason } : {};
  if (cancelled) return { ...cancelled, exitCode: outcome.exitCode, signal: outcome.signal, ...reason };
  const tail = ended.logFile ? await tailLines(ended.logFile, LOG_TAIL_LINES).catch(() => [] as string[]) : [];
  const classified = def.kind === "in-process" || !tail.length ? undefined : def.classify(tail.join("\n"));
  const cause: FailureCause =
    classified ??
    (outcome.state === "completed"
      ? { id: "outputs-incomplete", summary: "the tool exited 0 but its outputs do not show a finished run", hint: "look at the log; run again to resume" }
      : describeOutcome(outcome));
  return { ...cause, exitCode: outcome.exitCode, signal: outcome.signal, ...reason };
}
