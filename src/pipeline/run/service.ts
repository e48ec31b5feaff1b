// Services (deploy): started as a job, judged ready by the stage, then kept, watched in the foreground, or stopped when
// the run ends. A service recorded as serving is stopped before its replacement starts.
import type { Job, Launcher } from "../../launch/types.js";
import type { LaunchEntry } from "../launch-entry.js";
import type { StageState } from "../state.js";
import { serviceKept } from "../../stages/registry.js";
import { recordFailure } from "./finish.js";
import type { Run, StageResult } from "./run.js";

/** A service recorded as serving (older settings, or not answering) is ended before its replacement starts. */
export async function stopRecordedService(record: LaunchEntry, prior: StageState | undefined, launcher: Launcher): Promise<void> {
  if (record.definition.kind !== "service" || prior?.status !== "serving" || !prior.job) return;
  const old = await launcher.reattach(prior.job);
  await old?.cancel();
}

/** Waits until the started (or reattached) service answers, and records where. */
export async function serviceStarted(run: Run, record: LaunchEntry, job: Job, prior: StageState | undefined, started: number): Promise<StageResult> {
  // A reattached server answers where it was started, not at the ports a fresh render would pick.
  const endpoints = record.action === "reattach" ? prior?.launch?.endpoints : undefined;
  const serving = endpoints ? { ...record, render: { ...record.render, serviceEndpoints: endpoints } } : record;
  const result = await serviceReady(run, serving, job, started);
  run.services.push({ record: serving, job });
  return result;
}

async function serviceReady(run: Run, record: LaunchEntry, job: Job, started: number): Promise<StageResult> {
  const def = record.definition;
  if (def.kind !== "service") throw new TypeError(`stage ${record.name} is a ${def.kind}, not a service`);
  let outputs: Record<string, string>;
  try {
    const where = { pid: job.pid, logFile: job.record.logFile };
    outputs = await def.service.ready(record.context, record.render, where, run.options.signal);
  } catch (error) {
    await job.cancel();
    throw await recordFailure(run, record, error, started);
  }
  await run.store.updateStage(record.name, (p) => {
    const { failure: _failure, ...rest } = p!;
    return { ...rest, status: "serving", outputs };
  });
  const seconds = (Date.now() - started) / 1000;
  const address = def.service.address(outputs);
  run.emit({ type: "log", stage: record.name, level: "info", message: `serving at ${address.all} (model "${address.model}")` });
  run.emit({ type: "stage-end", stage: record.name, status: "completed", seconds });
  return { name: record.name, action: record.action, status: "serving", key: record.key, reason: record.reason, seconds, outputs };
}

/** Services this run started: kept (detach / keep), watched in the foreground (a lone `deploy`), or stopped. */
export async function settleServices(run: Run, results: StageResult[]): Promise<void> {
  const { plan, store, options } = run;
  // Decided from what the plan selected, not from what finished: a later stage that failed must not turn this
  // into a foreground server.
  const selected = plan.stages.filter((s) => s.action !== "not-selected");
  for (const { record, job } of run.services) {
    if (options.detach || serviceKept(record.definition, plan.loaded.config)) continue;
    const alone = selected.length === 1 && selected[0]!.name === record.name;
    if (alone) {
      options.onEvent?.({
        type: "log",
        stage: record.name,
        level: "info",
        message: "running in the foreground; Ctrl-C stops it (use --detach to leave it running)",
      });
      await job.wait({ signal: options.signal });
    }
    await job.cancel();
    await store.updateStage(record.name, (p) => ({ ...p!, status: "stopped", endedAt: new Date().toISOString() }));
    const result = results.find((r) => r.name === record.name);
    if (result) result.status = "stopped";
  }
}
