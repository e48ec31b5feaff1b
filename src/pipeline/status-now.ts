// What `status` says of each stage: true now, not what state.json said when the last CLI wrote it. A stage whose job
// may be alive is checked with the launcher: `running` (or `launching`, `serving`) only while it lives; a dead one is
// `failed` or `cancelled` when the launcher recorded how it ended (and state.json is updated), else `ended-unobserved`
// until the next run judges it on evidence (exit status plus the stage's finished proof).
import type { Launcher } from "../launch/types.js";
import { stageModule } from "../stages/registry.js";
import { checkLiveness } from "./liveness.js";
import { LIVE_STATUSES, type StageStatus } from "./stage-status.js";
import type { StageState, StateStore } from "./state.js";
import { unwatchedFailure } from "./unwatched-end.js";

/** Every value `status --json` gives a stage's `status` (documented in the README, status command). */
export type ShownStatus = StageStatus | "ended-unobserved";

export interface StatusNow {
  status: ShownStatus;
  /** Whether the launcher says its job lives; only for stages whose recorded status says it may. */
  alive?: boolean;
  /** In words, how the dead job ended (for the text view). */
  note?: string;
}

/** The status of every recorded stage as it is now; records what the launcher knows of jobs that ended unwatched. */
export async function statusesNow(store: StateStore, launcher: Launcher, stages: readonly string[]): Promise<Map<string, StatusNow>> {
  const now = new Map<string, StatusNow>();
  for (const name of stages) {
    const s = store.state.stages[name];
    if (!s) continue;
    if (!LIVE_STATUSES.includes(s.status)) {
      now.set(name, { status: s.status });
      continue;
    }
    now.set(name, await checkStage(store, launcher, name, s));
  }
  return now;
}

async function checkStage(store: StateStore, launcher: Launcher, name: string, s: StageState): Promise<StatusNow> {
  const check = await checkLiveness(launcher, name, s);
  if (check.live.alive) return { status: s.status, alive: true };
  const was = s.status === "launching" ? "launched" : s.status === "serving" ? "was serving" : "was running";
  const outcome = check.live.outcome;
  const def = stageModule(name);
  // A good exit is not yet a completion (the next run checks the stage's finished proof); an unknown end proves nothing.
  if (!def || !outcome || outcome.state === "completed" || outcome.state === "unknown" || outcome.state === "ended-unobserved") {
    const how = outcome?.state === "completed" ? "exited 0 while no CLI watched" : "ended while no CLI watched";
    return { status: "ended-unobserved", alive: false, note: `${was}, ${how}; the next run checks its outputs and resumes` };
  }
  const record = check.record ?? s.job;
  const failure = await unwatchedFailure(def, { words: "", outcome, logFile: record?.logFile ?? s.launch?.logFile, ...(record ? { jobId: record.id } : {}) });
  const status = failure.id === "cancelled" ? "cancelled" : "failed";
  await store.updateStage(name, (p) => ({ ...p!, status, endedAt: new Date().toISOString(), failure }));
  const note = status === "cancelled" ? failure.summary : `failed while no CLI watched — ${failure.summary}`;
  return { status, alive: false, note: `${was}, ${note}` };
}
