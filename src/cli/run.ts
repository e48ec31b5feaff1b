// `run` (and the per-stage commands): apply the plan with a display and the run log (<workdir>/events.jsonl);
// Ctrl-C ends the tool's whole process tree.
import { loadExperiment } from "../config/load.js";
import { runPipeline, type RunResult } from "../pipeline/apply.js";
import type { EventSink } from "../contract/events.js";
import { resolveLogFormat } from "../pipeline/log-level.js";
import { createDisplay } from "./display.js";
import { deferLiveDisplay } from "./deferred-display.js";
import { failureFields } from "./failure-fields.js";
import type { CommonOptions, LogOptions } from "./options.js";
import { stageOutputLine } from "./stage-output.js";

interface Display {
  sink?: EventSink;
  close(): Promise<void>;
}

async function openDisplay(options: LogOptions): Promise<Display> {
  const format = resolveLogFormat(options.logFormat, process.stderr.isTTY === true);
  if (format === "json") return { close: async () => undefined };
  // listr2's redrawing renderer needs stdout to be a terminal too; otherwise lines are the better record.
  const plain = createDisplay({ level: options.logLevel });
  if (format === "pretty" && process.stderr.isTTY && process.stdout.isTTY) {
    return deferLiveDisplay(async () => (await import("./live-display.js")).createLiveDisplay(process.stderr), plain);
  }
  return { sink: plain, close: async () => undefined };
}

/** `done: sft completed, eval skipped` and, under it, each stage's main output (where the model is). */
export function doneText(result: RunResult): string {
  const outputs = result.stages.flatMap((s) => {
    const line = stageOutputLine(s.name, s.status, s.outputs);
    return line ? [`  ${s.name.padEnd(7)} ${line}\n`] : [];
  });
  return `done: ${result.stages.map((s) => `${s.name} ${s.status}`).join(", ")}\n${outputs.join("")}`;
}

const ignoreHangup = () => undefined;

const summary = (result: RunResult) => result.stages.map((s) => ({ stage: s.name, action: s.action, status: s.status, seconds: s.seconds }));

/** `asDriver`: this run is the detached driver `submit` started (see pipeline/driver.ts), with this id. */
export async function runCommand(
  config: string,
  options: CommonOptions & Partial<LogOptions> & { json?: boolean; detach?: boolean; asDriver?: string },
): Promise<number> {
  const logOptions: LogOptions = { logLevel: options.logLevel ?? "info", logFormat: options.logFormat };
  const json = logOptions.logFormat === "json";
  // The workdir is needed before the pipeline starts, to open the run log there (a config error stops us here).
  const { config: experiment, file } = await loadExperiment(config, options);
  const { openEventLog, RUN_STAGE } = await import("../pipeline/event-log.js");
  const log = openEventLog({ workdir: experiment.workdir, level: logOptions.logLevel, stdout: json, ...(options.asDriver ? { runId: options.asDriver } : {}) });
  const display = await openDisplay(logOptions);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\n${signal}: stopping the running stage and its processes (again to quit at once)\n`);
    log.record("warn", RUN_STAGE, "signal", { signal });
    controller.abort();
  };
  // A driver has no terminal to lose: a SIGHUP (from whatever session it was started in) changes nothing.
  const onHangup = options.asDriver ? ignoreHangup : onSignal;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onHangup);
  log.record("info", RUN_STAGE, "run-start", { command: process.argv.slice(2), config: file, workdir: experiment.workdir, experiment: experiment.name });
  try {
    const result = await runPipeline(config, {
      ...options,
      only: options.only.length ? options.only : undefined,
      signal: controller.signal,
      onEvent: (e) => {
        log.sink(e);
        display.sink?.(e);
      },
    });
    await display.close();
    log.record("info", RUN_STAGE, "run-end", { status: "completed", exitCode: 0, stages: summary(result) });
    if (json) return 0;
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stderr.write(doneText(result));
    return 0;
  } catch (error) {
    await display.close();
    const { stage, level, fields } = failureFields(error);
    log.record(level, stage ?? RUN_STAGE, "failure", fields);
    log.record(level, RUN_STAGE, "run-end", { status: fields.code === "interrupted" ? "interrupted" : "failed", exitCode: fields.exitCode });
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onHangup);
    await log.close();
  }
}
