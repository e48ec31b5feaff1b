// `status`, `logs`, `cancel`: read state.json; cancel reattaches to recorded jobs and ends them.
import { loadExperiment } from "../config/load.js";
import { readState, StateStore, type StageState } from "../pipeline/state.js";
import { launcherFor } from "../pipeline/launchers.js";
import { STAGE_ORDER } from "../stages/registry.js";
import { liveJob } from "../pipeline/liveness.js";
import { cancelledBy, requestCancel } from "../pipeline/cancel-request.js";
import { statusesNow, type StatusNow } from "../pipeline/status-now.js";
import type { RunState } from "../pipeline/state.js";
import { LineReader, tailLines } from "../util/line-reader.js";
import { UsageError } from "../errors.js";
import { formatDuration } from "./stage-meter.js";
import { oneExperiment, type LogOptions } from "./options.js";
import { stageOutput, stageOutputLine, type StageOutput } from "./stage-output.js";
import { cancelChainJobs, chainSection } from "./chain-status.js";
import { cancelDriver, driverJson, driverLine } from "./driver-view.js";
import { driverNow } from "../pipeline/driver.js";
import { followPipeline, stageLogFile } from "./follow.js";
import type { Family } from "../pipeline/family.js";

export async function statusCommand(config: string, options: { set: string[]; variant?: string[]; json?: boolean }): Promise<number> {
  const { eachVariant } = await import("./family-each.js");
  // A family submitted under the local or Ray launcher has one driver, recorded under the family's workdir.
  const familyDriver = async (family: Family) => {
    const driver = await driverNow(family.workdir);
    if (!driver) return undefined;
    if (!options.json) process.stdout.write(`family ${family.name}  (workdir ${family.workdir})\n${driverLine(driver, family.workdir)}\n`);
    return { driver: driverJson(driver) };
  };
  const one = (variant: string, sink: (json: unknown) => void) => statusOne(config, { ...options, variant: [variant] }, sink);
  const family = await eachVariant(config, options, one, options.json === true, familyDriver);
  return family ?? statusOne(config, options);
}

/** `status` of one experiment; with `sink`, its --json object is handed there instead of printed. */
async function statusOne(config: string, options: { set: string[]; variant?: string[]; json?: boolean }, sink?: (json: unknown) => void): Promise<number> {
  const { config: experiment } = await loadExperiment(config, oneExperiment(options));
  const store = await StateStore.open(experiment.workdir, experiment.name);
  // A submitted chain's stages are shown from one Slurm query for all its jobs (chain-status.ts).
  const chain = await chainSection(store.state, experiment.workdir);
  const others = STAGE_ORDER.filter((name) => !chain?.stages.has(name));
  // What state.json says may be alive is checked with the launcher, so a dead job never shows as running.
  const now = await statusesNow(store, await launcherFor(experiment), others);
  const state = store.state;
  const driver = await driverNow(experiment.workdir);
  if (options.json) {
    const json = { ...statusJson(state, now), ...(driver ? { driver: driverJson(driver) } : {}), ...(chain ? { chain: chain.json } : {}) };
    if (sink) sink(json);
    else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`experiment ${experiment.name}  (workdir ${experiment.workdir})\n`);
  if (driver) process.stdout.write(`${driverLine(driver, experiment.workdir)}\n`);
  for (const line of chain?.lines ?? []) process.stdout.write(`${line}\n`);
  for (const name of others) {
    const s = state.stages[name];
    if (!s) continue;
    const took = s.startedAt && s.endedAt ? ` in ${formatDuration((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000)}` : "";
    const job = s.job && now.get(name)?.alive ? ` (${s.job.launcher} job ${s.job.id})` : "";
    const note = now.get(name)?.note;
    const shown = note ?? now.get(name)?.status ?? s.status;
    const why = s.failure && !note ? ` — ${s.failure.summary}` : "";
    const how = s.stored?.reused ? `reused from the store (built by ${s.stored.builtBy})` : `attempt ${s.attempts}`;
    process.stdout.write(`  ${name.padEnd(7)} ${shown}${took}${job}, ${how}, key ${s.key}${why}\n`);
    const output = note ? undefined : stageOutputLine(name, s.status, s.outputs);
    if (output) process.stdout.write(`  ${"".padEnd(7)} ${output}\n`);
  }
  return 0;
}

/** A stage's state with `output`: what `status` prints under it (where its model, checkpoints or scores are). */
function withOutput<S extends Pick<StageState, "outputs"> & { status: string; note?: string }>(name: string, s: S): S & { output?: StageOutput } {
  const output = s.note ? undefined : stageOutput(name, s.status, s.outputs);
  return output ? { ...s, output } : s;
}

/** `status --json`: state.json with each stage's `status` as it is now (see status-now.ts), `alive`, `note` and `output` beside. */
function statusJson(state: RunState, now: Map<string, StatusNow>): RunState & { stages: Record<string, unknown> } {
  const stages = Object.fromEntries(
    Object.entries(state.stages).map(([name, s]) => {
      const current = now.get(name);
      if (!s) return [name, s];
      if (!current) return [name, withOutput(name, s)];
      const changed = current.status !== s.status ? { recorded: s.status } : {};
      return [
        name,
        withOutput(name, {
          ...s,
          ...changed,
          status: current.status,
          ...(current.alive !== undefined ? { alive: current.alive } : {}),
          ...(current.note ? { note: current.note } : {}),
        }),
      ];
    }),
  );
  return { ...state, stages } as RunState & { stages: Record<string, unknown> };
}

export async function logsCommand(config: string, stage: string | undefined, options: { set: string[]; follow?: boolean; lines: string }): Promise<number> {
  const { config: experiment } = await loadExperiment(config, oneExperiment(options));
  const state = await readState(experiment.workdir, experiment.name);
  if (options.follow && !stage) {
    // A live submitted chain is followed job by job, also while its next job waits in the queue (chain-logs.ts).
    const followed = state.chain ? await followSubmitted(experiment.workdir, experiment.name, Number(options.lines)) : undefined;
    return followed ?? followPipeline(experiment, Number(options.lines));
  }
  const name = stage ?? [...STAGE_ORDER].reverse().find((n) => state.stages[n]);
  const logFile = name ? await stageLogFile(experiment.workdir, name, state.stages[name]) : undefined;
  if (!name || !logFile) throw new UsageError(stage ? `stage ${stage} has no log yet` : "no stage has run yet");
  if (!options.follow) {
    for (const line of await tailLines(logFile, Number(options.lines))) process.stdout.write(`${line}\n`);
    return 0;
  }
  const reader = new LineReader(logFile);
  for (;;) {
    await reader.poll((line) => process.stdout.write(`${line}\n`));
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function followSubmitted(workdir: string, experiment: string, lines: number): Promise<number | undefined> {
  const { followChain } = await import("./chain-logs.js");
  const { slurmCommandsFor } = await import("../pipeline/launchers.js");
  const { chainNow } = await import("../pipeline/chain.js");
  const commands = await slurmCommandsFor();
  return followChain({ workdir, experiment, lines, logOf: (name, s) => stageLogFile(workdir, name, s), ask: (state) => chainNow(state.chain!, commands) });
}

/** Ends recorded jobs: running ones (`cancel`), or also the servers left serving (`stop`). */
export async function cancelCommand(config: string, options: Partial<LogOptions> & { set: string[]; variant?: string[]; services?: boolean }): Promise<number> {
  const { eachVariant } = await import("./family-each.js");
  // A family's detached driver goes first: it ends the variant it runs and records that variant's stage cancelled.
  const familyDriver = async (family: Family) => {
    const variants = family.members.map((m) => ({ workdir: m.loaded.config.workdir, experiment: m.loaded.config.name }));
    const driver = options.services ? undefined : await cancelDriver(family.workdir, family.name, variants);
    if (driver && options.logFormat !== "json") process.stderr.write(`cancelled the family's driver (pid ${driver.pid})\n`);
    return undefined;
  };
  const family = await eachVariant(config, options, (variant) => cancelOne(config, { ...options, variant: [variant] }), false, familyDriver);
  return family ?? cancelOne(config, options);
}

async function cancelOne(config: string, options: Partial<LogOptions> & { set: string[]; variant?: string[]; services?: boolean }): Promise<number> {
  const { config: experiment } = await loadExperiment(config, oneExperiment(options));
  // A detached driver goes first: it ends its running stage itself and records it as cancelled. What is still
  // recorded as running after it (a driver that had to be killed) is ended below, like any job a run left running.
  const driver = options.services ? undefined : await cancelDriver(experiment.workdir, experiment.name);
  const store = await StateStore.open(experiment.workdir, experiment.name);
  const launcher = await launcherFor(experiment);
  const { openEventLog, RUN_STAGE } = await import("../pipeline/event-log.js");
  const log = openEventLog({ workdir: experiment.workdir, level: options.logLevel, stdout: options.logFormat === "json" });
  const wanted = options.services ? ["serving", "running", "launching"] : ["running", "launching"];
  let ended = 0;
  // A submitted chain ends with one scancel of all its jobs; their runs record how their stages ended.
  const chainIds = options.services ? [] : await cancelChainJobs(store.state);
  if (chainIds.length && options.logFormat !== "json") process.stderr.write(`cancelled the submitted chain (slurm jobs ${chainIds.join(", ")})\n`);
  if (chainIds.length) log.record("warn", "run", "chain-cancelled", { jobs: chainIds });
  ended += chainIds.length;
  try {
    if (driver) {
      log.record("warn", RUN_STAGE, "driver-cancelled", { pid: driver.pid, interrupted: driver.stopped });
      const stopped = driver.stopped.length ? `; it cancelled ${driver.stopped.join(", ")}` : "";
      if (options.logFormat !== "json") process.stderr.write(`cancelled the driver (pid ${driver.pid})${stopped}\n`);
      ended++;
    }
    for (const [name, s] of Object.entries(store.state.stages)) {
      if (!s || !wanted.includes(s.status)) continue;
      if (s.job && chainIds.includes(s.job.id)) continue;
      // A launch whose job was never recorded is found by its launch id.
      const job = await liveJob(launcher, name, s);
      if (!job && !s.job) continue;
      const record = job?.record ?? s.job!;
      // Write-ahead: the request is on disk before the job ends, so a CLI watching it records the same end as this one.
      const request = s.status === "serving" ? undefined : await requestCancel(record.logFile, record.id);
      if (job) await job.cancel();
      const endedAt = new Date().toISOString();
      await store.updateStage(name, (p) =>
        request ? { ...p!, status: "cancelled", endedAt, failure: cancelledBy(request) } : { ...p!, status: "stopped", endedAt },
      );
      const what = s.status === "serving" ? "stopped" : "cancelled";
      log.record("warn", name, what, { attempt: s.attempts, job: { launcher: record.launcher, id: record.id } });
      if (options.logFormat !== "json") process.stderr.write(`${what} ${name} (${record.launcher} job ${record.id})\n`);
      ended++;
    }
  } finally {
    await log.close();
  }
  if (!ended && options.logFormat !== "json") process.stderr.write(options.services ? "no server is running\n" : "nothing is running\n");
  return 0;
}
