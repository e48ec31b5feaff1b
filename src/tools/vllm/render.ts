// Renders `vllm serve <model> ...` for one server process. The API key travels in the environment only.

import { basename, isAbsolute, resolve } from "node:path";
import { PreflightError, type Problem } from "../../errors.js";
import { VLLM_DEFAULTS } from "./defaults.js";
import { findFreePort, isPortFree } from "./ports.js";

export interface ServeOptions {
  /** Merged Hugging Face folder. */
  model: string;
  /** Name clients send as "model". Default: the folder's base name. */
  servedModelName?: string;
  tensorParallelSize?: number;
  maxModelLen?: number;
  gpuMemoryUtilization?: number;
  dtype?: string;
  host?: string;
  /** Default: a free port found now. */
  port?: number;
  generationConfig?: string;
  /** GPU ids for CUDA_VISIBLE_DEVICES; their count must equal tensorParallelSize. */
  gpus?: number[];
  /** Passed to vLLM as env VLLM_API_KEY, never as --api-key. */
  apiKey?: string;
  /** Appended as-is (e.g. ["--max-num-seqs", "256"]). May not carry secrets. */
  extraArgs?: string[];
  /** Replaces `vllm` (a venv path, or a stand-in). */
  command?: readonly string[];
  /** The stage that runs the server, named in errors. */
  stage: string;
  /** Dotted config path problems name keys under (e.g. "stages.deploy"). */
  configKey: string;
}

export interface ServeCommand {
  argv: string[];
  /** Add to the launcher's environment. Contains the API key when one is set: do not persist it. */
  env: Record<string, string>;
  /** Keys of `env` that are secrets (to redact in logs and state). */
  secretEnvKeys: string[];
  host: string;
  port: number;
  baseUrl: string;
  servedModelName: string;
}

const SECRET_FLAGS = /^--api[-_]key(=|$)/;

function validate(o: ServeOptions, key: string): Problem[] {
  const problems: Problem[] = [];
  const tp = o.tensorParallelSize ?? VLLM_DEFAULTS.tensorParallelSize;
  if (!Number.isInteger(tp) || tp < 1) problems.push({ path: `${key}.tensor_parallel_size`, message: `must be a positive integer, got ${tp}` });
  if (o.gpus && o.gpus.length !== tp) {
    problems.push({ path: `${key}.gpus`, message: `${o.gpus.length} GPU(s) given for tensor parallel size ${tp}; they must be equal` });
  }
  const mem = o.gpuMemoryUtilization ?? VLLM_DEFAULTS.gpuMemoryUtilization;
  if (!(mem > 0 && mem <= 1)) problems.push({ path: `${key}.gpu_memory_utilization`, message: `must be in (0, 1], got ${mem}` });
  if (o.maxModelLen !== undefined && !(Number.isInteger(o.maxModelLen) && o.maxModelLen > 0)) {
    problems.push({ path: `${key}.max_model_len`, message: `must be a positive integer, got ${o.maxModelLen}` });
  }
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port > 0 && o.port < 65536))
    problems.push({ path: `${key}.port`, message: `not a TCP port: ${o.port}` });
  if (o.extraArgs?.some((a) => SECRET_FLAGS.test(a))) {
    problems.push({
      path: `${key}.extra_args`,
      message: `--api-key would be visible in ps and in saved state; set the key in the environment (${VLLM_DEFAULTS.apiKeyEnv}) instead`,
    });
  }
  return problems;
}

export async function renderServe(options: ServeOptions): Promise<ServeCommand> {
  const key = options.configKey;
  const problems = validate(options, key);
  if (problems.length) throw new PreflightError(options.stage, problems);
  const host = options.host ?? VLLM_DEFAULTS.host;
  let port = options.port;
  if (port === undefined) port = await findFreePort(host);
  else if (!(await isPortFree(host, port))) {
    throw new PreflightError(options.stage, [{ path: `${key}.port`, message: `port ${port} on ${host} is already in use` }]);
  }
  // A hub id stays a hub id (vLLM downloads it); local folders are absolute once the config is loaded.
  const model = isAbsolute(options.model) ? resolve(options.model) : options.model;
  const servedModelName = options.servedModelName ?? basename(model);
  const argv = [
    ...(options.command ?? VLLM_DEFAULTS.command),
    "serve",
    model,
    "--served-model-name",
    servedModelName,
    "--host",
    host,
    "--port",
    String(port),
    "--dtype",
    options.dtype ?? VLLM_DEFAULTS.dtype,
    "--tensor-parallel-size",
    String(options.tensorParallelSize ?? VLLM_DEFAULTS.tensorParallelSize),
    "--gpu-memory-utilization",
    String(options.gpuMemoryUtilization ?? VLLM_DEFAULTS.gpuMemoryUtilization),
    "--generation-config",
    options.generationConfig ?? VLLM_DEFAULTS.generationConfig,
    ...(options.maxModelLen !== undefined ? ["--max-model-len", String(options.maxModelLen)] : []),
    ...(options.extraArgs ?? []),
  ];
  const env: Record<string, string> = {};
  if (options.gpus) env.CUDA_VISIBLE_DEVICES = options.gpus.join(",");
  const secretEnvKeys: string[] = [];
  if (options.apiKey) {
    env[VLLM_DEFAULTS.apiKeyEnv] = options.apiKey;
    secretEnvKeys.push(VLLM_DEFAULTS.apiKeyEnv);
  }
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return { argv, env, secretEnvKeys, host, port, baseUrl: `http://${urlHost}:${port}`, servedModelName };
}
