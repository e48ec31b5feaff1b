// What state.json says is running, checked against the launcher: a dead job is never reported as running, and a job
// cancelled from outside (scancel, ray job stop) is recorded as cancelled.
import type { Job, JobRecord, Launcher, Liveness } from "../launch/types.js";
import { describeOutcome } from "./outcome.js";
import type { StageState, StateStore } from "./state.js";

export interface LiveCheck {
  stage: string;
  /** The job as recorded, or as found by its launch id; undefined when nothing of it runs or was recorded. */
  record?: JobRecord;
  live: Liveness;
}

/** The job of a stage whose status says it may be alive, found through its record or its launch launchId. */
export async function liveJob(launcher: Launcher, stage: string, s: StageState): Promise<Job | undefined> {
  if (s.job) return launcher.reattach(s.job);
  if (s.status === "launching" && s.launch) return launcher.find(s.launch.id, { stage, logFile: s.launch.logFile });
  return undefined;
}

export async function checkLiveness(launcher: Launcher, stage: string, s: StageState): Promise<LiveCheck> {
  if (s.status === "launching" && !s.job && s.launch) {
    const found = await launcher.find(s.launch.id, { stage, logFile: s.launch.logFile });
    return found ? { stage, record: found.record, live: { alive: true } } : { stage, live: { alive: false } };
  }
  if (!s.job) return { stage, live: { alive: false } };
  return { stage, record: s.job, live: await launcher.liveness(s.job) };
}

/**
 * Records what the launcher knows of a job that ended unwatched: an outside cancel as `cancelled`, a known failure
 * as `failed` with its cause. An unknown ending is left for the next run, which judges the stage by its outputs.
 * Returns the words to show.
 */
export async function recordUnwatchedEnd(store: StateStore, check: LiveCheck): Promise<string> {
  const outcome = check.live.alive ? undefined : check.live.outcome;
  if (!outcome || outcome.state === "completed" || outcome.state === "unknown") {
    return "ended while no CLI watched; the next run checks its outputs and resumes";
  }
  const cause = describeOutcome(outcome);
  const status = outcome.state === "cancelled" ? "cancelled" : "failed";
  const endedAt = new Date().toISOString();
  await store.updateStage(check.stage, (p) => ({
    ...p!,
    status,
    endedAt,
    failure: { ...cause, summary: outcome.reason ? `${cause.summary} (${outcome.reason})` : cause.summary, exitCode: outcome.exitCode, signal: outcome.signal },
  }));
  return status === "cancelled" ? `cancelled outside dianjin-train (${outcome.reason ?? "cancelled"})` : `failed while no CLI watched — ${cause.summary}`;
}
