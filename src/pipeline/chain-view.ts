// What `status` says of each stage of a submitted chain, from state.json (what the in-allocation runs recorded) and
// Slurm's one answer about the chain's jobs: waiting (for which job), queued, running, completed, failed (cause), or
// cancelled (by whom, or because the job before it did not end well). Nothing is launched or changed.
import { normalizeSlurmState } from "../launch/slurm/state-map.js";
import type { SlurmJobStatus } from "../launch/slurm/poll.js";
import type { ChainJob } from "./chain-state.js";
import type { ChainNow } from "./chain.js";
import type { RunState, StageState } from "./state.js";

export type ChainStageState = "waiting" | "held" | "queued" | "running" | "completed" | "failed" | "cancelled" | "unknown";

export interface ChainStageView {
  stage: string;
  state: ChainStageState;
  /** The Slurm job that runs it (or its name, when sbatch never answered). */
  job: string;
  /** Slurm's word for the job, when Slurm still knows it. */
  slurm?: string;
  note: string;
  /** The stage's attempt this chain started (it has begun in its job); progress is read for it. */
  attempt?: number;
  /** Where the job's own output is (workdir-relative), for a job that failed before its stage started. */
  output?: string;
}

function startedInChain(s: StageState | undefined, at: string): s is StageState {
  return !!s?.startedAt && Date.parse(s.startedAt) >= Date.parse(at);
}

/** A stage that has done its part for the stages after it in the same job. */
const READY = new Set(["completed", "serving"]);

const word = (st: SlurmJobStatus) => normalizeSlurmState(st.rawState);

/** How a job ended that did not end well, in words: "job 12 FAILED (exit 1)", "job 12 CANCELLED by 1000". */
function jobEnd(job: ChainJob, st: SlurmJobStatus): string {
  // A cancelled job's exit is only how its run answered the signal.
  const cancelled = !st.phase.active && st.phase.state === "cancelled";
  const how = cancelled ? "" : st.exitCode !== null && st.exitCode !== 0 ? ` (exit ${st.exitCode})` : st.signal ? ` (${st.signal})` : "";
  return `job ${job.id} ${st.rawState}${how}`;
}

/** The job before this one did not end well: why, for the stages it took down with it. */
function upstreamEnd(now: ChainNow, index: number): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const before = now.chain.jobs[i]!;
    const st = before.id ? now.statuses.get(before.id) : undefined;
    if (st && !st.phase.active && st.phase.state !== "completed") return `${before.stages.join("+")} ${st.phase.state} (${jobEnd(before, st)})`;
  }
  return undefined;
}

function recorded(name: string, s: StageState, st: SlurmJobStatus | undefined, job: ChainJob): Pick<ChainStageView, "state" | "note"> | undefined {
  switch (s.status) {
    case "completed":
      return { state: "completed", note: s.endedAt ? `completed ${s.endedAt}` : "completed" };
    case "stopped":
      return { state: "completed", note: "served its stages, then stopped" };
    case "failed":
      return { state: "failed", note: s.failure?.summary ?? "failed" };
    case "cancelled":
      return { state: "cancelled", note: s.failure?.summary ?? "cancelled" };
    case "serving":
      if (st?.phase.active) return { state: "running", note: `serving in job ${job.id}` };
      break;
    case "interrupted":
      // Requeued (preemption, node failure, `scontrol requeue`): the job starts again and resumes its stage.
      if (st?.phase.active) return undefined;
      if (st) return { state: "cancelled", note: `${jobEnd(job, st)} while ${name} ran; \`submit\` again resumes it` };
      return { state: "cancelled", note: "interrupted" };
    default:
      if (st?.phase.active) return { state: "running", note: `running in job ${job.id}` };
  }
  if (!st) return { state: "unknown", note: `Slurm no longer knows job ${job.id}` };
  if (st.phase.active) return undefined;
  const state = st.phase.state === "cancelled" ? "cancelled" : "failed";
  return { state, note: `${jobEnd(job, st)} while ${name} ran; \`submit\` again resumes it` };
}

function notStarted(now: ChainNow, index: number, stage: string, state: RunState): Pick<ChainStageView, "state" | "note"> {
  const s = state.stages[stage];
  const job = now.chain.jobs[index]!;
  const st = job.id ? now.statuses.get(job.id) : undefined;
  if (!job.id) return { state: "unknown", note: `job ${job.name} was never submitted` };
  if (!st) return { state: "unknown", note: `Slurm no longer knows job ${job.id}` };
  if (st.phase.active) {
    const before = now.chain.jobs[index - 1];
    if (word(st) === "PENDING" && st.reason === "Dependency" && before)
      return { state: "waiting", note: `waiting for job ${before.id} (${before.stages.join("+")})` };
    // A family's variant: its first job waits for the jobs (of another variant) building the stages it shares.
    if (word(st) === "PENDING" && st.reason === "Dependency" && job.after)
      return { state: "waiting", note: `waiting for job ${job.after.split(":").join(", ")}` };
    if (word(st) === "PENDING" && /Held/i.test(st.reason ?? ""))
      return { state: "held", note: `job ${job.id} is held (${st.reason}); \`scontrol release ${job.id}\`` };
    if (word(st) === "PENDING") return { state: "queued", note: `queued as job ${job.id}${st.reason ? ` (${st.reason})` : ""}` };
    // A stage of the same job before this one still at work (a server not answering yet).
    const earlier = job.stages
      .slice(0, job.stages.indexOf(stage))
      .filter((e) => !READY.has(state.stages[e]?.status ?? "") || !startedInChain(state.stages[e], now.chain.at));
    if (earlier.length) return { state: "waiting", note: `starts after ${earlier.join(", ")} in job ${job.id}` };
    return { state: "running", note: `starting in job ${job.id}` };
  }
  if (st.phase.state === "completed" && s?.status === "completed") return { state: "completed", note: "up to date when its job ran" };
  const upstream = upstreamEnd(now, index);
  if (st.phase.state === "cancelled" && upstream) return { state: "cancelled", note: `cancelled because ${upstream}` };
  // A family's variant: its first job waited for another variant's jobs (what it shares), which take it down with them.
  const waited = index === 0 && job.after ? ` (it waited for job ${job.after.split(":").join(", ")})` : "";
  if (st.phase.state === "cancelled") return { state: "cancelled", note: `${jobEnd(job, st)} before ${stage} started${waited}` };
  return { state: "failed", note: `${jobEnd(job, st)} before ${stage} started; its output says why` };
}

export function chainView(now: ChainNow, state: RunState): ChainStageView[] {
  return now.chain.jobs.flatMap((job, index) =>
    job.stages.map((stage) => {
      const s = state.stages[stage];
      const st = job.id ? now.statuses.get(job.id) : undefined;
      const seen = startedInChain(s, now.chain.at) ? recorded(stage, s, st, job) : undefined;
      const shown = seen ?? notStarted(now, index, stage, state);
      const failedEarly = !seen && shown.state === "failed";
      return {
        stage,
        ...shown,
        job: job.id ?? job.name,
        ...(st ? { slurm: st.rawState } : {}),
        ...(seen ? { attempt: s!.attempts } : {}),
        ...(failedEarly && job.output ? { output: job.output } : {}),
      };
    }),
  );
}
