// What state.json says is running, checked against the launcher: a dead job is never reported as running (status-now.ts
// says what it is instead).
import type { Job, JobRecord, Launcher, Liveness } from "../launch/types.js";
import type { StageState } from "./state.js";

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
