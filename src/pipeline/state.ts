// state.json: what each stage last did, under the experiment's workdir. Written atomically after every change.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobRecord } from "../launch/types.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { redactValue } from "../util/secrets.js";
import { hasAbsolutePathOutside, relativeToWorkdir, resolveInWorkdir } from "./workdir-paths.js";

import { canMove, type StageStatus } from "./stage-status.js";
import type { ChainState } from "./chain-state.js";

export type { StageStatus } from "./stage-status.js";

/** The write-ahead launch record: written before a job is started, so a later CLI can find the job by its launch id. */
export interface LaunchIntent {
  id: string;
  launcher: JobRecord["launcher"];
  logFile: string;
  at: string;
  /** Where a service will answer (its ports are chosen at launch): a reattach waits on these, not on new ones. */
  endpoints?: string[];
}

export interface StageState {
  status: StageStatus;
  key: string;
  /** What the key was computed from, to say which setting changed next time. */
  keyInputs: Record<string, unknown>;
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  job?: JobRecord;
  launch?: LaunchIntent;
  resumedFrom?: { step: number; path: string };
  outputs?: Record<string, string>;
  /** The store entry the outputs are in (store-*.ts), who built it and when; `reused`: not built by this experiment. */
  stored?: { entry: string; builtBy: string; builtAt: string; reused: boolean };
  /** `reason`: the launcher's words for the end (Slurm's state and reason, Ray's status message), when it had any. */
  failure?: { id: string; summary: string; hint: string; exitCode?: number | null; signal?: string | null; reason?: string };
}

export interface ToolState {
  command: string[];
  version?: string;
  probedAt: string;
}

export interface RunState {
  version: 1;
  experiment: string;
  stages: Partial<Record<string, StageState>>;
  tools: Partial<Record<string, ToolState>>;
  /** The last chain of cluster jobs `submit` handed the pipeline to (chain-state.ts). */
  chain?: ChainState;
}

export function statePath(workdir: string): string {
  return join(workdir, "state.json");
}

export async function readState(workdir: string, experiment: string): Promise<RunState> {
  try {
    const parsed = JSON.parse(await readFile(statePath(workdir), "utf8")) as RunState;
    if (parsed.version === 1 && parsed.stages) return { ...parsed, stages: await locateStages(parsed.stages, workdir), tools: parsed.tools ?? {} };
  } catch {
    // missing or unreadable: a fresh workdir
  }
  return { version: 1, experiment, stages: {}, tools: {} };
}

/**
 * Paths in a stage's record (outputs, logs, checkpoints) are workdir-relative on disk; here they become paths under the
 * workdir being read. The key inputs stay as written (workdir-relative since the plan makes them so): they only
 * explain what changed.
 */
async function locateStages(stages: RunState["stages"], workdir: string): Promise<RunState["stages"]> {
  const records = Object.values(stages).map((s) => s && { ...s, keyInputs: undefined });
  const writtenIn = hasAbsolutePathOutside(records, workdir) ? await manifestWorkdir(workdir) : undefined;
  return Object.fromEntries(Object.entries(stages).map(([name, s]) => [name, s && { ...resolveInWorkdir(s, workdir, writtenIn), keyInputs: s.keyInputs }]));
}

/** The workdir manifest.json was written in (absolute in files written before paths were relative), if recorded. */
async function manifestWorkdir(workdir: string): Promise<string | undefined> {
  try {
    const recorded = (JSON.parse(await readFile(join(workdir, "manifest.json"), "utf8")) as { config?: { workdir?: unknown } }).config?.workdir;
    return typeof recorded === "string" ? recorded : undefined;
  } catch {
    return undefined;
  }
}

function relativeStages(stages: RunState["stages"], workdir: string): RunState["stages"] {
  return Object.fromEntries(Object.entries(stages).map(([name, s]) => [name, s && { ...relativeToWorkdir(s, workdir), keyInputs: s.keyInputs }]));
}

/** Holds the state in memory and writes every change through to disk. */
export class StateStore {
  constructor(
    readonly workdir: string,
    public state: RunState,
  ) {}

  static async open(workdir: string, experiment: string): Promise<StateStore> {
    return new StateStore(workdir, await readState(workdir, experiment));
  }

  async updateStage(name: string, change: (prior: StageState | undefined) => StageState): Promise<StageState> {
    const prior = this.state.stages[name];
    const next = change(prior);
    if (!canMove(prior?.status, next.status)) {
      throw new Error(`stage ${name}: state change ${prior?.status ?? "(none)"} → ${next.status} is not allowed (see pipeline/stage-status.ts)`);
    }
    this.state.stages[name] = next;
    await this.save();
    return next;
  }

  /** The chain `submit` is handing the pipeline to, written before each sbatch and after it (write-ahead). */
  async recordChain(chain: ChainState): Promise<void> {
    this.state.chain = chain;
    await this.save();
  }

  async recordTool(name: string, tool: ToolState): Promise<void> {
    this.state.tools[name] = tool;
    await this.save();
  }

  private async save(): Promise<void> {
    const state = redactValue(this.state);
    await writeJsonAtomic(statePath(this.workdir), { ...state, stages: relativeStages(state.stages, this.workdir) });
  }
}
