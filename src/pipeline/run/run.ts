// What every runner is handed: the plan, the state store, the launcher, the run's options and what the run learned.
import { attemptLogIn } from "../job-spec.js";
import type { EventSink } from "../../contract/events.js";
import type { Job, Launcher } from "../../launch/types.js";
import type { LaunchEntry, RunFacts } from "../launch-entry.js";
import type { Plan, PlannedStage, PlanOptions } from "../plan.js";
import type { StateStore } from "../state.js";

export interface RunOptions extends PlanOptions {
  /** Leave services (deploy) running after the run, and return as soon as they are ready. */
  detach?: boolean;
  signal?: AbortSignal;
  onEvent?: EventSink;
  /** Use this launcher instead of the one cluster.launcher names (tests, embedding). */
  launcher?: Launcher;
  /** Environment the tools see (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface StageResult {
  name: string;
  action: PlannedStage["action"];
  status: "completed" | "skipped" | "not-selected" | "serving" | "stopped";
  key: string;
  reason: string;
  seconds: number;
  outputs: Record<string, string>;
}

/** A service this run started: settled (kept, watched in the foreground, or stopped) when the run ends. */
export interface StartedService {
  record: LaunchEntry;
  job: Job;
}

export interface Run {
  readonly plan: Plan;
  readonly store: StateStore;
  readonly launcher: Launcher;
  readonly options: RunOptions;
  readonly emit: EventSink;
  /** Environment the tools see. */
  readonly env: NodeJS.ProcessEnv;
  readonly facts: RunFacts;
  readonly services: StartedService[];
}

/** The attempt a launch is: a reattach continues the recorded one. */
export function attemptOf(run: Run, entry: PlannedStage): number {
  return (run.store.state.stages[entry.name]?.attempts ?? 0) + (entry.action === "reattach" ? 0 : 1);
}

export function attemptLog(entry: PlannedStage, attempt: number): string {
  return attemptLogIn(entry.context.paths.logs, attempt);
}
