// How a launched stage ends in state.json and in events: completed, failed or interrupted.
import { InterruptedError, StageError, type FailureCause } from "../../errors.js";
import type { LaunchEntry } from "../launch-entry.js";
import type { StageState } from "../state.js";
import type { Run, StageResult } from "./run.js";

export async function finish(run: Run, record: LaunchEntry, started: number): Promise<StageResult> {
  const status = "completed";
  const outputs = record.definition.outputs(record.context);
  await run.store.updateStage(record.name, (p): StageState => {
    const { failure: _failure, ...rest } = p ?? ({} as StageState);
    return { ...rest, status, key: record.key, keyInputs: record.keyInputs, attempts: p?.attempts ?? 1, endedAt: new Date().toISOString(), outputs };
  });
  const seconds = (Date.now() - started) / 1000;
  run.emit({ type: "stage-end", stage: record.name, status, seconds });
  return { name: record.name, action: record.action, status, key: record.key, reason: record.reason, seconds, outputs };
}

/** Records a stage that threw as failed (or interrupted) and returns the error to throw. */
export async function recordFailure(run: Run, record: LaunchEntry, error: unknown, started: number): Promise<unknown> {
  const interrupted = error instanceof InterruptedError || run.options.signal?.aborted === true;
  await run.store.updateStage(record.name, (p) => ({
    ...p!,
    status: interrupted ? "interrupted" : "failed",
    endedAt: new Date().toISOString(),
    ...(error instanceof StageError ? { failure: { ...error.failure, exitCode: error.detail.exitCode, signal: error.detail.signal } } : {}),
  }));
  run.emit({ type: "stage-end", stage: record.name, status: interrupted ? "interrupted" : "failed", seconds: (Date.now() - started) / 1000 });
  return interrupted && !(error instanceof InterruptedError) ? new InterruptedError(record.name) : error;
}

/** Why a stage whose tool exited 0 still did not produce what it should; undefined when all is well. */
export async function outputsProblem(record: LaunchEntry): Promise<FailureCause | undefined> {
  const verified = record.definition.kind === "job" ? await record.definition.verifyOutputs?.(record.context) : undefined;
  if (verified) return verified;
  if (await record.definition.outputsComplete(record.context)) return undefined;
  return {
    id: "outputs-incomplete",
    summary: "the tool exited 0 but its outputs are missing or incomplete",
    hint: "look at the log; the tool may have skipped its work",
  };
}

/** A new attempt starts without the last one's job, failure and end. */
export function withoutRun(prior: StageState | undefined): Partial<StageState> {
  if (!prior) return {};
  const { job: _job, failure: _failure, endedAt: _endedAt, launch: _launch, resumedFrom: _resumedFrom, ...rest } = prior;
  return rest;
}
