// Renders the `evalscope eval` argv for MATH-500 / GPQA-Diamond against an OpenAI-compatible endpoint.

import { basename } from "node:path/posix";
import { ConfigError, type Problem } from "../../errors.js";
import { EVALSCOPE_DATASETS, type EvalscopeBenchmark } from "./benchmarks.js";
import { API_KEY_ENV_POINTER, EVALSCOPE_DEFAULTS } from "./defaults.js";
import { EVALSCOPE_KEY_LAUNCHER } from "./launcher.js";
import type { EvalscopeOrigin } from "./origin.js";
import { atLeast, eraOf, type EvalscopeEra, type EvalscopeVersion } from "./version.js";

export interface EvalscopeGeneration {
  temperature: number;
  topP: number;
  maxTokens: number;
}

export interface EvalscopeRunSpec {
  /** The served model name (vLLM --served-model-name); EvalScope sends it as "model". */
  model: string;
  /** Base URL of the endpoint, e.g. http://127.0.0.1:8901/v1 */
  apiUrl: string;
  workDir: string;
  benchmarks?: readonly EvalscopeBenchmark[];
  generation?: Partial<EvalscopeGeneration>;
  evalBatchSize?: number;
  /** Samples per subset (EvalScope's --limit); for smoke runs. */
  limit?: number;
  timeoutSeconds?: number;
  stream?: boolean;
  seed?: number;
  /** Name of the environment variable holding the endpoint's API key. Omit for an endpoint without a key. */
  apiKeyEnv?: string;
}

export interface EvalscopeCommand {
  /** argv[0] is the executable. Never contains the API key. */
  argv: string[];
  /** Extra environment for the child (names only, never secrets). */
  env: Record<string, string>;
  era: EvalscopeEra;
  /** Whether EvalScope writes into a fresh <work-dir>/<YYYYMMDD_HHMMSS>/ or straight into <work-dir>. */
  timestamped: boolean;
  /** EvalScope's model_id: the last path segment of the model name; names the reports/<model_id>/ folder. */
  modelId: string;
  /** Report file per benchmark, relative to the run folder. */
  reportFiles: Partial<Record<EvalscopeBenchmark, string>>;
}

export interface RenderOptions {
  /** How to start EvalScope without a key (default ["evalscope"]). */
  command?: readonly string[];
  /** Python interpreter that has EvalScope installed; used only with apiKeyEnv. */
  python?: string;
  /** The stage and config path problems are reported against. */
  origin: EvalscopeOrigin;
}

export function renderEvalscopeCommand(spec: EvalscopeRunSpec, version: EvalscopeVersion, options: RenderOptions): EvalscopeCommand {
  checkSpec(spec, options.origin.configPath);
  const era = eraOf(version);
  const benchmarks = [...new Set(spec.benchmarks ?? EVALSCOPE_DEFAULTS.benchmarks)];
  const gen = { ...EVALSCOPE_DEFAULTS.generation, ...spec.generation };
  const timeout = spec.timeoutSeconds ?? EVALSCOPE_DEFAULTS.timeoutSeconds;
  const stream = spec.stream ?? EVALSCOPE_DEFAULTS.stream;
  const mappings = benchmarks.map((b) => [b, EVALSCOPE_DATASETS[era][b]] as const);
  const datasetArgs = Object.fromEntries(mappings.filter(([, m]) => m.datasetArgs).map(([, m]) => [m.dataset, m.datasetArgs]));

  const args = ["eval", "--model", spec.model, "--api-url", spec.apiUrl, "--eval-type", era, "--datasets", ...mappings.map(([, m]) => m.dataset)];
  if (Object.keys(datasetArgs).length > 0) args.push("--dataset-args", JSON.stringify(datasetArgs));
  if (era === "service") {
    // v0.13/v0.14 split --generation-config on commas and eval() each value: JSON would break it.
    args.push("--generation-config", `max_tokens=${int(gen.maxTokens)},temperature=${num(gen.temperature)},top_p=${num(gen.topP)}`);
    args.push("--timeout", String(timeout));
    if (stream) args.push("--stream");
  } else {
    // v1.x takes JSON; --timeout/--stream moved into the generation config (the flags are deprecated).
    args.push("--generation-config", JSON.stringify({ max_tokens: gen.maxTokens, temperature: gen.temperature, top_p: gen.topP, timeout, stream }));
  }
  args.push("--eval-batch-size", String(spec.evalBatchSize ?? EVALSCOPE_DEFAULTS.evalBatchSize));
  if (spec.limit !== undefined) args.push("--limit", String(spec.limit));
  if (spec.seed !== undefined) args.push("--seed", String(spec.seed));
  args.push("--work-dir", spec.workDir);
  // Before v1.4 every run gets a timestamped folder; from v1.4 we pin the folder so the report path is known.
  const timestamped = !(era === "openai_api" && atLeast(version, 1, 4));
  if (!timestamped) args.push("--no-timestamp");

  const env: Record<string, string> = {};
  let argv: string[];
  if (spec.apiKeyEnv) {
    argv = [options.python ?? EVALSCOPE_DEFAULTS.python, "-c", EVALSCOPE_KEY_LAUNCHER, ...args];
    env[API_KEY_ENV_POINTER] = spec.apiKeyEnv;
  } else {
    argv = [...(options.command ?? EVALSCOPE_DEFAULTS.command), ...args];
  }
  const modelId = basename(spec.model.replace(/\/+$/, ""));
  const reportFiles = Object.fromEntries(mappings.map(([b, m]) => [b, `reports/${modelId}/${m.reportFile}`]));
  return { argv, env, era, timestamped, modelId, reportFiles };
}

function checkSpec(spec: EvalscopeRunSpec, configPath: string): void {
  const problems: Problem[] = [];
  if (!spec.model.trim()) problems.push({ path: "model", message: "served model name is empty" });
  let url: URL | undefined;
  try {
    url = new URL(spec.apiUrl);
  } catch {
    problems.push({ path: "apiUrl", message: `not a URL: ${spec.apiUrl}` });
  }
  if (url && url.protocol !== "http:" && url.protocol !== "https:") problems.push({ path: "apiUrl", message: "must be http(s)" });
  if (url && (url.username || url.password)) problems.push({ path: "apiUrl", message: "must not carry credentials; use apiKeyEnv" });
  if (!spec.workDir) problems.push({ path: "workDir", message: "is empty" });
  if (spec.benchmarks && spec.benchmarks.length === 0) problems.push({ path: "benchmarks", message: "no benchmark selected" });
  const g = spec.generation ?? {};
  if (g.maxTokens !== undefined && !(Number.isInteger(g.maxTokens) && g.maxTokens > 0))
    problems.push({ path: "generation.maxTokens", message: "must be a positive integer" });
  if (g.temperature !== undefined && !(g.temperature >= 0 && g.temperature <= 2))
    problems.push({ path: "generation.temperature", message: "must be in [0, 2]" });
  if (g.topP !== undefined && !(g.topP > 0 && g.topP <= 1)) problems.push({ path: "generation.topP", message: "must be in (0, 1]" });
  if (spec.evalBatchSize !== undefined && !(Number.isInteger(spec.evalBatchSize) && spec.evalBatchSize > 0))
    problems.push({ path: "evalBatchSize", message: "must be a positive integer" });
  if (spec.limit !== undefined && !(Number.isInteger(spec.limit) && spec.limit > 0)) problems.push({ path: "limit", message: "must be a positive integer" });
  if (spec.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.apiKeyEnv))
    problems.push({ path: "apiKeyEnv", message: "must be an environment variable name (not the key itself)" });
  if (problems.length > 0) throw new ConfigError(configPath, problems);
}

function int(v: number): string {
  return String(Math.trunc(v));
}

/** A Python float literal EvalScope's eval() reads back exactly (1 -> "1.0", not an int). */
function num(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}
