// A stage done here (data build, evaluation): no job, its own journals make it resumable.
import { mkdir } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { PreflightError, StageError } from "../../errors.js";
import { redactText, secretValues } from "../../util/secrets.js";
import { tailLines } from "../../util/line-reader.js";
import type { LaunchEntry } from "../launch-entry.js";
import { writeRendered } from "./before-launch.js";
import { finish, outputsProblem, recordFailure } from "./finish.js";
import type { Run, StageResult } from "./run.js";

export async function runInProcess(run: Run, record: LaunchEntry, attempt: number, logFile: string): Promise<StageResult> {
  const started = Date.now();
  const { emit, store } = run;
  const problems = await record.definition.preflight(record.context, record.render);
  if (problems.length) throw new PreflightError(record.name, problems);
  await writeRendered(record);
  await mkdir(record.context.paths.output, { recursive: true });
  await mkdir(record.context.paths.logs, { recursive: true });
  const log = createWriteStream(logFile, { flags: "a" });
  const secrets = secretValues(run.env);
  emit({ type: "stage-start", stage: record.name, action: record.action === "resume" ? "resume" : "run", reason: record.reason, attempt });
  await store.updateStage(record.name, () => ({
    status: "running",
    key: record.key,
    keyInputs: record.keyInputs,
    attempts: attempt,
    startedAt: new Date().toISOString(),
  }));
  const def = record.definition;
  try {
    if (def.kind !== "in-process") throw new TypeError(`stage ${record.name} is a ${def.kind}, not an in-process stage`);
    await def.runInProcess(record.context, record.render, {
      signal: run.options.signal,
      emit,
      logFile,
      log: (line) => log.write(`${redactText(line, secrets)}\n`),
      env: run.env,
    });
  } catch (error) {
    throw await recordFailure(run, record, error, started);
  } finally {
    await new Promise((r) => log.end(r));
  }
  const problem = await outputsProblem(record);
  if (problem) throw new StageError(record.name, problem, { logFile, logTail: await tailLines(logFile, 20) });
  return finish(run, record, started);
}
