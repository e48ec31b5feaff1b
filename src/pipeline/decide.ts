// What planning decides for one selected stage, and why in words: reattach to a job that may still be alive, skip
// what is up to date, resume from the newest complete checkpoint or journal, or run (again).
import type { JobRecord, Launcher, Liveness } from "../launch/types.js";
import type { ResumePoint, StageContext, StageModule } from "../contract/stage.js";
import { describeChanges } from "./keys.js";
import type { StageState } from "./state.js";
import { exitedWell, unwatchedFailure, type EndedJob, type StageFailure } from "./unwatched-end.js";

function shortReason(changes: string[]): string {
  const shown = changes.slice(0, 3).join("; ");
  return changes.length > 3 ? `${shown}; and ${changes.length - 3} more` : shown;
}

function clock(iso: string | undefined): string {
  return iso ? new Date(iso).toTimeString().slice(0, 5) : "earlier";
}

function jobWords(job: JobRecord): string {
  return job.launcher === "local" ? `pid ${job.id}` : `${job.launcher} job ${job.id}`;
}

/** How a job that is no longer alive ended, in words, for the reason of the next action. */
function endedUnwatched(job: JobRecord, live: Liveness): string {
  const outcome = live.alive ? undefined : live.outcome;
  if (outcome?.state === "cancelled") return `${jobWords(job)} was cancelled while no CLI watched (${outcome.reason ?? "cancelled"})`;
  if (outcome) return `${jobWords(job)} ended while no CLI watched (${outcome.reason ?? outcome.state})`;
  return `${jobWords(job)} ended while no CLI watched`;
}

/** `reuse`: the store holds a complete entry for the stage's key (store-decide.ts); nothing starts. */
export type StageAction = "run" | "resume" | "reattach" | "skip" | "reuse" | "not-selected";

/** What planning asks the launcher: is a recorded job still alive, and is there a job carrying a launch id. */
export type JobProbe = Pick<Launcher, "find" | "liveness">;

export interface Decision {
  action: StageAction;
  reason: string;
  resumeFrom?: ResumePoint;
  /** Incomplete checkpoints newer than the resume point; apply moves them aside. */
  incomplete: ResumePoint[];
  /** An earlier job still running, for reattach. */
  job?: JobRecord;
  /**
   * For `run`: why the existing output folder is moved aside as a whole (an older config, or a restart with no
   * complete checkpoint). Incomplete checkpoints then go with it.
   */
  setAsideLabel?: "superseded" | "restart";
  /** The earlier attempt ended unwatched without proof of completion: apply records this failure before going on. */
  priorFailure?: StageFailure;
}

/**
 * A job an earlier CLI started may still be alive: recorded (running), or only intended (launching: the CLI died
 * between writing the intent and recording the job). The launcher is asked; a live job is reattached, never
 * started twice. Returns the decision, or words for how the dead job ended.
 */
async function findLiveJob(name: string, prior: StageState | undefined, jobs: JobProbe): Promise<Decision | EndedJob | undefined> {
  if (prior?.status === "launching" && prior.launch) {
    const found = await jobs.find(prior.launch.id, { stage: name, logFile: prior.launch.logFile });
    if (found) {
      return {
        action: "reattach",
        reason: `reattaching to ${jobWords(found.record)} (started ${clock(prior.launch.at)}), found by its launch id`,
        incomplete: [],
        job: found.record,
      };
    }
    return { words: `the last launch (${clock(prior.launch.at)}) left no running job`, logFile: prior.launch.logFile };
  }
  if (prior?.status === "running" && prior.job) {
    const live = await jobs.liveness(prior.job);
    if (live.alive)
      return { action: "reattach", reason: `reattaching to ${jobWords(prior.job)} (started ${clock(prior.startedAt)})`, incomplete: [], job: prior.job };
    const outcome = live.alive ? undefined : live.outcome;
    return { words: endedUnwatched(prior.job, live), logFile: prior.job.logFile, jobId: prior.job.id, ...(outcome ? { outcome } : {}) };
  }
  return undefined;
}

export async function decide(
  def: StageModule,
  ctx: StageContext,
  key: string,
  keyInputs: Record<string, unknown>,
  prior: StageState | undefined,
  forced: boolean,
  jobs: JobProbe,
): Promise<Decision> {
  const live = await findLiveJob(def.name, prior, jobs);
  if (live && "action" in live) return live;
  // A job that ended unwatched completed only on evidence: a recorded good exit and the stage's finished proof (apply
  // records it). Else it failed, with its cause from the log, and is resumed from the newest complete checkpoint.
  let lastTime = `${prior?.status} last time`;
  let priorFailure: StageFailure | undefined;
  if (live && def.kind !== "service") {
    if (exitedWell(live) && prior?.key === key && !forced && (await def.outputsComplete(ctx))) {
      return { action: "reattach", reason: `${live.words} (exit 0); its outputs are complete`, incomplete: [], ...(prior.job ? { job: prior.job } : {}) };
    }
    priorFailure = await unwatchedFailure(def, live);
    lastTime = `${live.words}: ${priorFailure.id === "cancelled" ? "" : "failed — "}${priorFailure.summary}`;
  } else if (live) lastTime = live.words;
  const decision = await decideFresh({ def, ctx, key, keyInputs, prior, forced }, lastTime);
  return priorFailure && decision.action !== "skip" ? { ...decision, priorFailure } : decision;
}

interface Asked {
  def: StageModule;
  ctx: StageContext;
  key: string;
  keyInputs: Record<string, unknown>;
  prior: StageState | undefined;
  forced: boolean;
}

/** The decision once no earlier job is alive; `lastTime` says how the last attempt ended, in words. */
async function decideFresh({ def, ctx, key, keyInputs, prior, forced }: Asked, lastTime: string): Promise<Decision> {
  if (def.kind === "service" && prior?.status === "serving") {
    const url = def.service.address(prior.outputs ?? {}).first;
    if (prior.key === key && !forced && (await def.service.alive(prior.outputs ?? {}))) {
      return { action: "skip", reason: `already serving at ${url} (same settings)`, incomplete: [] };
    }
    const why = forced ? "forced (--force)" : prior.key !== key ? "settings changed" : "it no longer answers";
    return { action: "run", reason: `${why}; the server at ${url} is replaced`, incomplete: [] };
  }
  if (def.kind === "service") return { action: "run", reason: forced ? "forced (--force)" : "no server is running; starting one", incomplete: [] };
  if (forced) return { action: "run", reason: "forced (--force)", incomplete: [], setAsideLabel: "superseded" };
  if (!prior) return { action: "run", reason: "never run in this workdir", incomplete: [], setAsideLabel: "superseded" };
  if (prior.key !== key) {
    const changes = describeChanges(prior.keyInputs ?? {}, keyInputs);
    const reason = changes.length ? `changed since the last run: ${shortReason(changes)}` : "stage definition changed";
    return { action: "run", reason, incomplete: [], setAsideLabel: "superseded" };
  }
  if (prior.status === "completed") {
    if (await def.outputsComplete(ctx)) return { action: "skip", reason: `up to date (key ${key}, finished ${prior.endedAt ?? "earlier"})`, incomplete: [] };
    return { action: "run", reason: "finished before, but its outputs are missing or incomplete", incomplete: [] };
  }
  // Stages done in-process (data build, evaluation) keep per-request journals instead of checkpoints.
  if (def.kind === "in-process")
    return { action: "resume", reason: `${lastTime}; continuing from its journal (answered requests are not sent again)`, incomplete: [] };
  const { point, incomplete } = await def.findResume(ctx);
  const aside = incomplete.length ? `; setting aside incomplete ${incomplete.map((c) => `checkpoint ${c.step}`).join(", ")}` : "";
  if (point)
    return {
      action: "resume",
      reason: `${lastTime}; resuming from the newest complete checkpoint (step ${point.step})${aside}`,
      resumeFrom: point,
      incomplete,
    };
  return { action: "run", reason: `${lastTime} before any complete checkpoint; starting again${aside}`, incomplete, setAsideLabel: "restart" };
}
