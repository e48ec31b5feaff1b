// The submitted chain in `status` and `submit`: each stage's state from chain-view.ts, and for a running stage its
// step/total, rate and ETA folded (with the live display's own meter) from what its in-allocation run wrote to the run log.
import { join } from "node:path";
import type { ChainNow } from "../pipeline/chain.js";
import { chainView, type ChainStageView } from "../pipeline/chain-view.js";
import { EVENT_LOG_FILE } from "../pipeline/log-level.js";
import type { RunState } from "../pipeline/state.js";
import type { PipelineEvent } from "../contract/events.js";
import { tailLines } from "../util/line-reader.js";
import { StageMeter, progressText } from "./stage-meter.js";

export interface ChainStageStatus extends ChainStageView {
  /** A running stage: `12/40 30%  2.1 step/s  ETA 13s  loss 0.51` from its latest progress. */
  progress?: string;
}

interface EventRecord {
  time: number;
  stage?: string;
  event?: string;
  msg?: string;
  [field: string]: unknown;
}

/** The stage's events of its latest attempt, from the end of the run log. */
async function stageEvents(workdir: string, stage: string): Promise<EventRecord[]> {
  const lines = await tailLines(join(workdir, EVENT_LOG_FILE), 5000, 4 * 1024 * 1024).catch(() => [] as string[]);
  const records: EventRecord[] = [];
  for (const line of lines) {
    try {
      const r = JSON.parse(line) as EventRecord;
      if (r.stage === stage && typeof r.event === "string") records.push(r);
    } catch {
      // a line cut by a crash mid-write
    }
  }
  const start = records.findLastIndex((r) => r.event === "stage-start");
  return start >= 0 ? records.slice(start) : records;
}

/** Step/total, rate and ETA of a running stage as of now (the ETA counts down from its last progress line). */
export async function progressOf(workdir: string, stage: string): Promise<string | undefined> {
  let at = 0;
  const meter = new StageMeter(() => at);
  let view;
  for (const r of await stageEvents(workdir, stage)) {
    at = r.time;
    const { time: _t, level: _l, msg: _m, run: _r, attempt: _a, pid: _p, hostname: _h, event, ...fields } = r;
    view = meter.update({ ...fields, type: event, stage } as unknown as PipelineEvent);
  }
  if (!view || view.step === undefined) return undefined;
  if (view.etaSeconds !== undefined) view.etaSeconds = Math.max(0, view.etaSeconds - (Date.now() - at) / 1000);
  return progressText({ ...view, status: "running" }, false);
}

export async function chainStatus(now: ChainNow, state: RunState, workdir: string): Promise<ChainStageStatus[]> {
  return Promise.all(
    chainView(now, state).map(async (v) => {
      const progress = v.state === "running" && v.attempt !== undefined ? await progressOf(workdir, v.stage) : undefined;
      return progress ? { ...v, progress } : v;
    }),
  );
}

/** The chain's lines for the terminal. */
export function chainLines(now: ChainNow, stages: readonly ChainStageStatus[]): string[] {
  const state = now.live ? "live" : "ended";
  const lines = [`chain ${now.chain.id} (${state}, submitted ${now.chain.at})`];
  for (const s of stages) {
    lines.push(`  ${s.stage.padEnd(7)} ${s.state.padEnd(9)} slurm job ${s.job}  ${s.note}${s.progress ? `  ${s.progress}` : ""}`);
    if (s.output) lines.push(`  ${"".padEnd(7)} job output: ${s.output}`);
  }
  return lines;
}

export interface ChainSection {
  /** Stages the chain shows; the rest of `status` leaves them to it. */
  stages: Set<string>;
  lines: string[];
  json: Record<string, unknown>;
}

/** The recorded chain as `status` shows it (one Slurm query), or undefined when none was submitted here. */
export async function chainSection(state: RunState, workdir: string, env: NodeJS.ProcessEnv = process.env): Promise<ChainSection | undefined> {
  if (!state.chain) return undefined;
  const { slurmCommandsFor } = await import("../pipeline/launchers.js");
  const { chainNow } = await import("../pipeline/chain.js");
  const now = await chainNow(state.chain, await slurmCommandsFor(env)).catch((error: unknown) => error as Error);
  if (now instanceof Error) {
    // Slurm cannot be asked from here: the stages are shown as state.json has them, and why the chain is not.
    return {
      stages: new Set(),
      lines: [`chain ${state.chain.id}: could not ask Slurm about its jobs (${now.message})`],
      json: { id: state.chain.id, error: now.message },
    };
  }
  const stages = await chainStatus(now, state, workdir);
  return {
    stages: new Set(stages.map((s) => s.stage)),
    lines: chainLines(now, stages),
    json: { id: now.chain.id, at: now.chain.at, live: now.live, jobs: now.chain.jobs, stages },
  };
}

/** `cancel`: every job of a live chain with one scancel; the ids ended. */
export async function cancelChainJobs(state: RunState, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  if (!state.chain) return [];
  const { slurmCommandsFor } = await import("../pipeline/launchers.js");
  const { chainNow, cancelLiveChain } = await import("../pipeline/chain.js");
  const commands = await slurmCommandsFor(env);
  const now = await chainNow(state.chain, commands);
  return now.live ? cancelLiveChain(now, commands) : [];
}

/**
 * An attended `run` while a submitted chain is live would start the chain's stages a second time: refused, as a run
 * holding the workdir is. The chain's own jobs (inside their allocation) are that chain and pass.
 */
export async function refuseWhileChainLive(state: RunState, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!state.chain) return;
  const { currentAllocation } = await import("../launch/slurm/in-allocation.js");
  if (currentAllocation(env)) return;
  const { slurmCommandsFor } = await import("../pipeline/launchers.js");
  const { chainNow, idsOf } = await import("../pipeline/chain.js");
  const now = await chainNow(state.chain, await slurmCommandsFor(env));
  if (!now.live) return;
  const { LockError } = await import("../errors.js");
  throw new LockError(
    `a submitted chain (${now.chain.id}, slurm jobs ${idsOf(now.chain).join(", ")}) is running this pipeline; \`status\` follows it, \`cancel\` ends it`,
  );
}
