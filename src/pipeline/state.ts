// state.json: what each stage last did, under the experiment's workdir. Written atomically after every change.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobRecord } from "../launch/types.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { redactValue } from "../util/secrets.js";

import { canMove, type StageStatus } from "./stage-status.js";

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
  failure?: { id: string; summary: string; hint: string; exitCode?: number | null; signal?: string | null };
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
}

export function statePath(workdir: string): string {
  return join(workdir, "state.json");
}

export async function readState(workdir: string, experiment: string): Promise<RunState> {
  try {
    const parsed = JSON.parse(await readFile(statePath(workdir), "utf8")) as RunState;
    if (parsed.version === 1 && parsed.stages) return { ...parsed, tools: parsed.tools ?? {} };
  } catch {
    // missing or unreadable: a fresh workdir
  }
  return { version: 1, experiment, stages: {}, tools: {} };
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

  async recordTool(name: string, tool: ToolState): Promise<void> {
    this.state.tools[name] = tool;
    await this.save();
  }

  private async save(): Promise<void> {
    await writeJsonAtomic(statePath(this.workdir), redactValue(this.state));
  }
}
