// Runs EvalScope end to end: detect the version, render, run, read the scores.

import { appendFile } from "node:fs/promises";
import { execa } from "execa";
import { PreflightError, StageError } from "../../errors.js";
import { API_KEY_ENV_POINTER, EVALSCOPE_DEFAULTS } from "./defaults.js";
import { classifyEvalscopeFailure } from "./failures.js";
import type { EvalscopeOrigin } from "./origin.js";
import { renderEvalscopeCommand, type EvalscopeCommand, type EvalscopeRunSpec, type RenderOptions } from "./render.js";
import { listRunDirs, readEvalscopeScores, type EvalscopeScore } from "./report-read.js";
import { detectEvalscopeVersion, parseEvalscopeVersion, type EvalscopeVersion } from "./version.js";

export interface RunEvalscopeOptions extends RenderOptions {
  /** Skip detection, e.g. "0.14.0". */
  version?: string;
  /** Base environment for the child (default process.env); the API key is read from here. */
  env?: NodeJS.ProcessEnv;
  /** EvalScope's stdout+stderr is appended here. */
  logFile?: string;
  signal?: AbortSignal;
}

export interface EvalscopeRunResult {
  version: EvalscopeVersion;
  command: EvalscopeCommand;
  scores: EvalscopeScore[];
}

const LOG_TAIL_LINES = 30;

export async function runEvalscope(spec: EvalscopeRunSpec, options: RunEvalscopeOptions): Promise<EvalscopeRunResult> {
  const { stage, configPath } = options.origin;
  const baseEnv = options.env ?? process.env;
  const version =
    options.version !== undefined
      ? parseOrThrow(options.version, options.origin)
      : await detectEvalscopeVersion(options.command ?? EVALSCOPE_DEFAULTS.command, stringEnv(baseEnv), options.origin);
  const command = renderEvalscopeCommand(spec, version, options);
  if (spec.apiKeyEnv) {
    const key = baseEnv[spec.apiKeyEnv];
    if (!key) throw new PreflightError(stage, [{ path: `${configPath}.apiKeyEnv`, message: `environment variable ${spec.apiKeyEnv} is unset or empty` }]);
    // Belt and braces: the rendered argv is built without the key, but check before the OS sees it.
    if (command.argv.some((a) => a.includes(key)))
      throw new PreflightError(stage, [{ path: configPath, message: "the API key value appears in the command line; refusing to start" }]);
  }
  const before = await listRunDirs(spec.workDir);
  const [file, ...args] = command.argv;
  const child = await execa(file!, args, {
    env: { ...stringEnv(baseEnv), ...command.env },
    extendEnv: false,
    reject: false,
    all: true,
    cancelSignal: options.signal,
    stdin: "ignore",
  });
  const output = String(child.all ?? "");
  if (options.logFile) await appendFile(options.logFile, output.endsWith("\n") || output === "" ? output : `${output}\n`);
  if (child.exitCode !== 0) {
    const cause =
      (child as { code?: string }).code === "ENOENT"
        ? { id: "evalscope-missing", summary: `cannot start ${file}`, hint: `install EvalScope or set ${configPath}.command / python` }
        : classifyEvalscopeFailure(output, configPath);
    throw new StageError(stage, cause, {
      exitCode: child.exitCode ?? null,
      signal: child.signal ?? null,
      logFile: options.logFile,
      logTail: output.split("\n").filter(Boolean).slice(-LOG_TAIL_LINES),
    });
  }
  const scores = await readEvalscopeScores(spec.workDir, command, stage, before);
  return { version, command, scores };
}

function parseOrThrow(text: string, origin: EvalscopeOrigin): EvalscopeVersion {
  const v = parseEvalscopeVersion(text);
  if (!v) throw new PreflightError(origin.stage, [{ path: `${origin.configPath}.version`, message: `not a version: ${text}` }]);
  return v;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== API_KEY_ENV_POINTER) out[k] = v;
  return out;
}
