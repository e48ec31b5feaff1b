// The whole evaluation: the financial benchmarks through runBenchmark, then MATH-500 / GPQA-Diamond through EvalScope
// against the same endpoint; writes scores.json ({benchmark: percent}) and summary.json into the output folder.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { StageError } from "../../../errors.js";
import { canonicalJson, LLM_DEFAULTS, sha256Hex, startHeartbeat, WaitBoard, type SamplingParams } from "../../../llm/index.js";
import { runEvalscope, type EvalscopeBenchmark } from "../../../tools/evalscope/index.js";
import { writeJsonAtomic } from "../../../util/atomic-write.js";
import type { EvalStageConfig } from "../config.js";
import type { PipelineEvent } from "../../../contract/events.js";
import { EVAL_DEFAULTS, type FileBenchmark } from "./defaults.js";
import type { EvalItem } from "./items.js";
import { probeEndpoints, type ProbeFailure } from "../../../llm/probe.js";
import { readBenchmark } from "./read-benchmark.js";
import type { BenchmarkSummary } from "./results.js";
import type { EvalEndpoint } from "./endpoint-client.js";
import { runBenchmark } from "./runner.js";
import { scoreOptions } from "./score.js";
import { SCORING_VERSION } from "../../../scoring/version.js";
import { splitUrls } from "../settings.js";
import { timeoutsFromSeconds } from "../../../llm/timeouts.js";

import { EVAL_FILES } from "./defaults.js";
export { EVAL_FILES };

export interface EvaluateOptions {
  config: EvalStageConfig;
  endpoint: EvalEndpoint;
  modelIdentity: string;
  sampling: SamplingParams;
  concurrency: number;
  outputDir: string;
  evalscope: { command?: readonly string[]; python?: string; version?: string };
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  logFile?: string;
  log?: (line: string) => void;
  emit?: (e: PipelineEvent) => void;
  /** Test hook: the client's backoff base (ms). */
  backoffBaseMs?: number;
  /** How often to say what the evaluation waits for while requests are outstanding (default 10 s). */
  heartbeatMs?: number;
}

export type Scores = Partial<Record<FileBenchmark | EvalscopeBenchmark, number>>;

export interface EvaluateResult {
  scores: Scores;
  summaries: BenchmarkSummary[];
  /** Requests sent by our runner in this call (0 on a rerun that found everything in the journal). */
  sent: number;
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const { config } = options;
  const log = options.log ?? (() => undefined);
  const emit = options.emit ?? (() => undefined);
  const apiKey = options.endpoint.apiKeyEnv ? (options.env ?? process.env)[options.endpoint.apiKeyEnv] : undefined;
  const failures = await probeEndpoints(
    options.endpoint.baseUrls.map((baseUrl) => ({ baseUrl, model: options.endpoint.model, ...(apiKey ? { apiKey } : {}) })),
  );
  if (failures.length) throw new StageError("eval", probeFailureCause(failures, Boolean(config.endpoint)), {});

  const fileBenchmarks = EVAL_DEFAULTS.fileBenchmarks.filter((b) => config.benchmarks[b]);
  const itemsOf = new Map<FileBenchmark, EvalItem[]>();
  for (const b of fileBenchmarks) {
    const spec = config.benchmarks[b]!;
    itemsOf.set(b, await readBenchmark(b, spec.path, { limit: spec.limit, systemPrompt: spec.system_prompt }));
  }
  const board = new WaitBoard();
  const stopHeartbeat = startHeartbeat(board, options.heartbeatMs ?? LLM_DEFAULTS.heartbeatMs, (line) => {
    log(line);
    emit({ type: "log", stage: "eval", level: "info", message: line });
  });
  try {
    return await evaluateWith(options, itemsOf, fileBenchmarks, board, log, emit);
  } finally {
    stopHeartbeat();
  }
}

async function evaluateWith(
  options: EvaluateOptions,
  itemsOf: Map<FileBenchmark, EvalItem[]>,
  fileBenchmarks: FileBenchmark[],
  board: WaitBoard,
  log: (l: string) => void,
  emit: (e: PipelineEvent) => void,
): Promise<EvaluateResult> {
  const { config, outputDir } = options;
  const grandTotal = [...itemsOf.values()].reduce((n, items) => n + items.length, 0);
  const scores: Scores = {};
  const summaries: BenchmarkSummary[] = [];
  let before = 0;
  let sent = 0;
  for (const b of fileBenchmarks) {
    const items = itemsOf.get(b)!;
    log(
      `${b}: ${items.length} items, ${options.concurrency} in flight over ${options.endpoint.baseUrls.length} replica(s), sampling ${JSON.stringify(options.sampling)}`,
    );
    const judge = b === "finqa" && config.scoring.judge ? config.scoring.judge : undefined;
    const run = await runBenchmark(b, items, {
      endpoint: options.endpoint,
      modelIdentity: options.modelIdentity,
      sampling: options.sampling,
      concurrency: options.concurrency,
      maxAttempts: config.max_attempts,
      journalFile: join(outputDir, EVAL_FILES.journal, `${b}.jsonl`),
      resultsFile: join(outputDir, EVAL_FILES.results, `${b}.jsonl`),
      score: scoreOptions(config.scoring),
      ...(judge
        ? {
            judge: {
              endpoint: {
                baseUrls: splitUrls(judge.base_url),
                model: judge.model,
                ...(judge.api_key_env ? { apiKeyEnv: judge.api_key_env } : {}),
                timeouts: timeoutsFromSeconds(config.timeouts, judge.timeouts),
                ...(judge.stream !== undefined ? { stream: judge.stream } : {}),
              },
              maxTokens: judge.max_tokens,
              concurrency: Math.min(options.concurrency, EVAL_DEFAULTS.externalConcurrency),
              journalFile: join(outputDir, EVAL_FILES.journal, `${b}.judge.jsonl`),
              maxAttempts: config.max_attempts,
            },
          }
        : {}),
      signal: options.signal,
      env: options.env,
      backoffBaseMs: options.backoffBaseMs,
      board,
      onProgress: (p) =>
        emit({
          type: "progress",
          stage: "eval",
          step: before + p.done,
          total: grandTotal,
          ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
          metrics: { tokens_per_s: Math.round(p.tokensPerSecond), acc: p.accuracy },
        }),
    });
    before += items.length;
    sent += run.sent;
    scores[b] = run.summary.percent;
    summaries.push(run.summary);
    log(
      `${b}: ${run.summary.percent}% over ${run.summary.items} items (${run.sent} sent now, ${items.length - run.sent} from the journal; format ${run.summary.formatPercent}%, truncated ${run.summary.truncated}, refused ${run.summary.refused})`,
    );
  }

  Object.assign(scores, await evalscopeScores(options, log, emit));
  await writeJsonAtomic(join(outputDir, EVAL_FILES.summary), {
    scoring_version: SCORING_VERSION,
    model: options.endpoint.model,
    modelIdentity: options.modelIdentity,
    sampling: options.sampling,
    concurrency: options.concurrency,
    replicas: options.endpoint.baseUrls.length,
    benchmarks: summaries,
  });
  await writeJsonAtomic(join(outputDir, EVAL_FILES.scores), { ...scores, scoring_version: SCORING_VERSION });
  return { scores, summaries, sent };
}

/**
 * MATH-500 / GPQA-Diamond: one EvalScope run per benchmark. EvalScope talks to one URL, so with several replicas
 * the runs go to different replicas at the same time; with one they run one after the other. A finished run is
 * reused while the model and its settings are the same.
 */
async function evalscopeScores(options: EvaluateOptions, log: (l: string) => void, emit: (e: PipelineEvent) => void): Promise<Scores> {
  const wanted = EVAL_DEFAULTS.evalscopeBenchmarks.filter((b) => options.config.benchmarks[b]);
  const replicas = options.endpoint.baseUrls;
  const runOne = (b: EvalscopeBenchmark, i: number) => evalscopeBenchmark(options, b, replicas[i % replicas.length]!, log, emit);
  const results: Scores[] = [];
  if (replicas.length > 1) results.push(...(await Promise.all(wanted.map(runOne))));
  else for (const [i, b] of wanted.entries()) results.push(await runOne(b, i));
  return Object.assign({}, ...results) as Scores;
}

async function evalscopeBenchmark(
  options: EvaluateOptions,
  benchmark: EvalscopeBenchmark,
  apiUrl: string,
  log: (l: string) => void,
  emit: (e: PipelineEvent) => void,
): Promise<Scores> {
  const { config, outputDir } = options;
  const limit = config.benchmarks[benchmark]!.limit;
  const spec = {
    model: options.endpoint.model,
    apiUrl,
    benchmarks: [benchmark],
    generation: {
      temperature: options.sampling.temperature as number,
      topP: options.sampling.top_p as number,
      maxTokens: options.sampling.max_tokens as number,
    },
    // EvalScope fills one replica: as many in flight as one replica schedules.
    evalBatchSize: config.evalscope.eval_batch_size ?? Math.ceil(options.concurrency / options.endpoint.baseUrls.length),
    ...(limit !== undefined ? { limit } : {}),
    ...(config.evalscope.timeout_seconds !== undefined ? { timeoutSeconds: config.evalscope.timeout_seconds } : {}),
    ...(config.evalscope.stream !== undefined ? { stream: config.evalscope.stream } : {}),
    seed: options.sampling.seed as number,
    ...(options.endpoint.apiKeyEnv ? { apiKeyEnv: options.endpoint.apiKeyEnv } : {}),
  };
  // The URL and batch size are left out: another port or replica serves the same model, and concurrency does not change the answers.
  const identity = sha256Hex(
    canonicalJson({ ...spec, model: options.modelIdentity, apiUrl: null, evalBatchSize: null, version: options.evalscope.version ?? null }),
  ).slice(0, 16);
  const dir = join(outputDir, EVAL_FILES.evalscope, `${benchmark}-${identity}`);
  const cacheFile = join(dir, "scores.json");
  const cached = await readFile(cacheFile, "utf8").then(
    (t) => JSON.parse(t) as Scores,
    () => undefined,
  );
  if (cached && typeof cached[benchmark] === "number") {
    log(`EvalScope ${benchmark}: reusing the finished run in ${dir}`);
    return cached;
  }
  emit({ type: "log", stage: "eval", level: "info", message: `EvalScope: ${benchmark} against ${apiUrl}` });
  const result = await runEvalscope(
    { ...spec, workDir: join(dir, "runs") },
    {
      command: options.evalscope.command,
      python: options.evalscope.python,
      version: options.evalscope.version,
      env: options.env,
      logFile: options.logFile,
      signal: options.signal,
      origin: { stage: "eval", configPath: "stages.eval.evalscope" },
    },
  );
  const got: Scores = {};
  for (const s of result.scores) got[s.benchmark] = Math.round(s.percent * 100) / 100;
  await writeJsonAtomic(cacheFile, got);
  log(
    `EvalScope ${result.version.text}: ${Object.entries(got)
      .map(([k, v]) => `${k} ${v}%`)
      .join(", ")}`,
  );
  return got;
}

/** The deploy stage's server (or the configured endpoint) failed the probe at the start of the evaluation. */
function probeFailureCause(failures: readonly ProbeFailure[], configured: boolean): { id: string; summary: string; hint: string } {
  const first = failures[0]!;
  const where = failures.map((f) => f.baseUrl).join(", ");
  if (first.problem === "unauthorised")
    return { id: "endpoint-auth", summary: `${where}: ${first.message}`, hint: "set the variable named by api_key_env to the key the server expects" };
  if (first.problem === "model-missing")
    return {
      id: "model-not-found",
      summary: `${where}: ${first.message}`,
      hint: "check stages.eval.endpoint.model against the server's --served-model-name (GET /v1/models)",
    };
  if (first.problem === "refused")
    return {
      id: "endpoint-failing",
      summary: `${where}: ${first.message}`,
      hint: "the server refuses a 1-token chat completion for this model: read its answer above",
    };
  return {
    id: "endpoint-unreachable",
    summary: `nothing answers at ${where} (${first.message})`,
    hint: configured
      ? "start the server behind stages.eval.endpoint.base_url, or fix the URL"
      : "the deploy stage's server is not running: `dianjin-train run <config>` starts it (or `deploy <config> --detach`)",
  };
}
