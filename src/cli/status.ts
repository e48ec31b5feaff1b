// `status`, `logs`, `cancel`: read state.json; cancel reattaches to recorded jobs and ends them.
import { loadExperiment } from "../config/load.js";
import { readState, StateStore } from "../pipeline/state.js";
import { launcherFor } from "../pipeline/launchers.js";
import { STAGE_ORDER } from "../pipeline/stages.js";
import { LineReader, tailLines } from "../util/line-reader.js";
import { UsageError } from "../errors.js";
import { formatDuration } from "./stage-meter.js";
import type { LogOptions } from "./options.js";

export async function statusCommand(config: string, options: { set: string[]; json?: boolean }): Promise<number> {
  const { config: experiment } = await loadExperiment(config, options);
  const state = await readState(experiment.workdir, experiment.name);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`experiment ${experiment.name}  (workdir ${experiment.workdir})\n`);
  for (const name of STAGE_ORDER) {
    const s = state.stages[name];
    if (!s) continue;
    const took = s.startedAt && s.endedAt ? ` in ${formatDuration((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000)}` : "";
    const job = s.job && s.status === "running" ? ` (${s.job.launcher} job ${s.job.id})` : "";
    const serving = s.status === "serving" && s.outputs ? ` at ${s.outputs.baseUrls ?? s.outputs.baseUrl} (model ${s.outputs.model})` : "";
    const why = s.failure ? ` — ${s.failure.summary}` : "";
    process.stdout.write(`  ${name.padEnd(7)} ${s.status}${serving}${took}${job}, attempt ${s.attempts}, key ${s.key}${why}\n`);
  }
  return 0;
}

export async function logsCommand(config: string, stage: string | undefined, options: { set: string[]; follow?: boolean; lines: string }): Promise<number> {
  const { config: experiment } = await loadExperiment(config, options);
  const state = await readState(experiment.workdir, experiment.name);
  const name = stage ?? [...STAGE_ORDER].reverse().find((n) => state.stages[n]);
  const record = name ? state.stages[name]?.job : undefined;
  if (!name || !record) throw new UsageError(stage ? `stage ${stage} has no log yet` : "no stage has run yet");
  if (!options.follow) {
    for (const line of await tailLines(record.logFile, Number(options.lines))) process.stdout.write(`${line}\n`);
    return 0;
  }
  const reader = new LineReader(record.logFile);
  for (;;) {
    await reader.poll((line) => process.stdout.write(`${line}\n`));
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Ends recorded jobs: running ones (`cancel`), or also the servers left serving (`stop`). */
export async function cancelCommand(config: string, options: Partial<LogOptions> & { set: string[]; services?: boolean }): Promise<number> {
  const { config: experiment } = await loadExperiment(config, options);
  const store = await StateStore.open(experiment.workdir, experiment.name);
  const launcher = await launcherFor(experiment);
  const { openEventLog } = await import("../pipeline/event-log.js");
  const log = openEventLog({ workdir: experiment.workdir, level: options.logLevel, stdout: options.logFormat === "json" });
  const wanted = options.services ? ["serving", "running"] : ["running"];
  let ended = 0;
  try {
    for (const [name, s] of Object.entries(store.state.stages)) {
      if (!s?.job || !wanted.includes(s.status)) continue;
      const job = await launcher.reattach(s.job);
      if (job) await job.cancel();
      await store.updateStage(name, (p) => ({ ...p!, status: s.status === "serving" ? "stopped" : "interrupted", endedAt: new Date().toISOString() }));
      const what = s.status === "serving" ? "stopped" : "cancelled";
      log.record("warn", name, what, { attempt: s.attempts, job: { launcher: s.job.launcher, id: s.job.id } });
      if (options.logFormat !== "json") process.stderr.write(`${what} ${name} (${s.job.launcher} job ${s.job.id})\n`);
      ended++;
    }
  } finally {
    await log.close();
  }
  if (!ended && options.logFormat !== "json") process.stderr.write(options.services ? "no server is running\n" : "nothing is running\n");
  return 0;
}
