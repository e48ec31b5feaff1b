// The eval stage: done in-process (our request loop), against the deploy stage's server or a configured endpoint.
// Resumable item by item through per-benchmark journals; EvalScope runs for MATH-500 / GPQA-Diamond.
import { readFile } from "node:fs/promises";
import { pathExists } from "../../util/path-exists.js";
import { join } from "node:path";
import type { Problem } from "../../errors.js";
import { StageError } from "../../errors.js";
import type { EvalStageConfig } from "./config.js";
import type { StageContext, StageModule, StageRender } from "../../contract/stage.js";
import { toolCommand, type ToolBinding } from "../../contract/tool-binding.js";
import { evalStageSchema } from "./config.js";
import { evalOutputs } from "./outputs.js";
import { evalReport } from "./report.js";
import { deployOutputs } from "../deploy/outputs.js";
import type { DeployStageConfig } from "../deploy/config.js";
import { EVAL_DEFAULTS, EVAL_FILES } from "./engine/defaults.js";
import { PROMPT_VERSION } from "./engine/prompts.js";
import { modelIdentity, resolveConcurrency, resolveEndpoint, resolveSampling, splitUrls } from "./settings.js";
import type { EndpointCheck } from "../../llm/probe.js";
import { heartbeatFromEnv } from "../../llm/heartbeat.js";

function evalConfig(ctx: StageContext<EvalStageConfig>): EvalStageConfig {
  return ctx.stage;
}

/** Our own server's settings (max_model_len, --max-num-seqs), when the deploy stage serves what is evaluated. */
function deployConfig(ctx: StageContext): DeployStageConfig | undefined {
  return ctx.config.stages.deploy as DeployStageConfig | undefined;
}

function benchmarkFiles(cfg: EvalStageConfig): string[] {
  return EVAL_DEFAULTS.fileBenchmarks.flatMap((b) => (cfg.benchmarks[b] ? [cfg.benchmarks[b]!.path] : []));
}

function wantedBenchmarks(cfg: EvalStageConfig): string[] {
  return [...EVAL_DEFAULTS.fileBenchmarks, ...EVAL_DEFAULTS.evalscopeBenchmarks].filter((b) => cfg.benchmarks[b]);
}

const EVALSCOPE: ToolBinding = { tool: "evalscope", defaultCommand: ["evalscope"], install: "pip install evalscope (only needed for MATH-500 / GPQA-Diamond)" };

export const evalStage = {
  name: "eval",
  version: 1,
  title: "eval (CFLUE, FinQA, CCC; MATH-500, GPQA-Diamond via EvalScope)",
  summary: "evaluate the model",
  schema: evalStageSchema,
  pathFields: ["benchmarks.*.path"],
  kind: "in-process",
  placement: "single-node",
  needs: ["deploy"],
  backends: { evalscope: EVALSCOPE },
  report: evalReport,
  keepsServices: (config) => (config.stages.eval as EvalStageConfig | undefined)?.keep_server ?? false,

  render(ctx): StageRender {
    const cfg = evalConfig(ctx);
    // Only what changes the numbers enters the key: not where the server listens, how hard we push it, or keep_server.
    const { endpoint, concurrency: _c, max_attempts: _m, keep_server: _k, timeouts: _t, ...rest } = cfg;
    return {
      files: {},
      argv: [],
      env: {},
      keyInputs: {
        stages: {
          eval: { ...rest, sampling: resolveSampling(cfg), ...(endpoint ? { endpoint: { model: endpoint.model } } : {}), prompt_version: PROMPT_VERSION },
        },
        tools: wantedBenchmarks(cfg).some((b) => (EVAL_DEFAULTS.evalscopeBenchmarks as readonly string[]).includes(b))
          ? { evalscope: { command: toolCommand(ctx.config, EVALSCOPE), version: ctx.config.tools.evalscope?.version } }
          : {},
      },
      inputFiles: benchmarkFiles(cfg),
      fingerprint: "mtime",
    };
  },

  async preflight(ctx): Promise<Problem[]> {
    const cfg = evalConfig(ctx);
    const problems: Problem[] = [];
    for (const b of EVAL_DEFAULTS.fileBenchmarks) {
      const spec = cfg.benchmarks[b];
      if (spec && !(await pathExists(spec.path))) problems.push({ path: `stages.eval.benchmarks.${b}.path`, message: `file not found: ${spec.path}` });
    }
    if (!cfg.endpoint && !deployConfig(ctx))
      problems.push({ path: "stages.eval", message: "nothing to evaluate against: add stages.deploy (our vLLM server) or stages.eval.endpoint" });
    for (const [path, name] of [
      ["stages.eval.endpoint.api_key_env", cfg.endpoint?.api_key_env],
      ["stages.eval.scoring.judge.api_key_env", cfg.scoring.judge?.api_key_env],
    ] as const) {
      if (name && !process.env[name]) problems.push({ path, message: `environment variable ${name} is not set` });
    }
    // A configured endpoint (and the judge) must answer, take the key and serve the model before any request.
    const probes: EndpointCheck[] = [];
    for (const [path, ep] of [
      ["stages.eval.endpoint", cfg.endpoint],
      ["stages.eval.scoring.judge", cfg.scoring.judge],
    ] as const) {
      if (!ep || (ep.api_key_env && !process.env[ep.api_key_env])) continue;
      const apiKey = ep.api_key_env ? process.env[ep.api_key_env] : undefined;
      for (const baseUrl of splitUrls(ep.base_url)) probes.push({ path, target: { baseUrl, model: ep.model, ...(apiKey ? { apiKey } : {}) } });
    }
    if (probes.length) problems.push(...(await (await import("../../llm/probe.js")).probeProblems(probes)));
    const maxLen = cfg.endpoint ? undefined : deployConfig(ctx)?.max_model_len;
    const maxTokens = resolveSampling(cfg).max_tokens as number;
    if (maxLen !== undefined && maxTokens >= maxLen) {
      problems.push({
        path: "stages.eval.sampling.max_tokens",
        message: `${maxTokens} leaves no room for the prompt under stages.deploy.max_model_len ${maxLen}; vLLM would refuse every request`,
      });
    }
    return problems;
  },

  async outputsComplete(ctx) {
    const cfg = evalConfig(ctx);
    try {
      const scores = JSON.parse(await readFile(join(ctx.paths.output, EVAL_FILES.scores), "utf8")) as Record<string, unknown>;
      return wantedBenchmarks(cfg).every((b) => typeof scores[b] === "number");
    } catch {
      return false;
    }
  },

  outputs: (ctx) => evalOutputs.make({ scores: join(ctx.paths.output, EVAL_FILES.scores), results: join(ctx.paths.output, EVAL_FILES.results) }),

  async runInProcess(ctx, _render, io) {
    const cfg = evalConfig(ctx);
    const endpoint = resolveEndpoint(cfg, deployOutputs.of(ctx));
    if (!endpoint) {
      throw new StageError(
        "eval",
        {
          id: "endpoint-unknown",
          summary: "no endpoint to evaluate: the deploy stage has not recorded a running server",
          hint: "run the deploy stage in the same command (`dianjin-train run <config>`), or set stages.eval.endpoint",
        },
        {},
      );
    }
    const concurrency = resolveConcurrency(cfg, deployConfig(ctx), endpoint.baseUrls.length);
    const backoff = io.env.DIANJIN_EVAL_BACKOFF_MS !== undefined ? Number(io.env.DIANJIN_EVAL_BACKOFF_MS) : undefined;
    // Loaded only when evaluating: the HTTP client stack is not needed to plan.
    const { evaluate } = await import("./engine/evaluate.js");
    const result = await evaluate({
      config: cfg,
      endpoint,
      modelIdentity: modelIdentity(cfg, deployOutputs.key(ctx)),
      sampling: resolveSampling(cfg),
      concurrency,
      outputDir: ctx.paths.output,
      evalscope: {
        command: ctx.config.tools.evalscope?.command,
        python: ctx.config.tools.python?.command?.[0],
        version: ctx.config.tools.evalscope?.version,
      },
      signal: io.signal,
      env: { ...io.env, ...ctx.config.tools.evalscope?.env },
      logFile: io.logFile,
      log: io.log,
      emit: io.emit,
      ...(backoff !== undefined && Number.isFinite(backoff) ? { backoffBaseMs: backoff } : {}),
      ...heartbeatFromEnv(io.env),
    });
    const line = Object.entries(result.scores)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    io.emit({ type: "log", stage: "eval", level: "info", message: `scores (%): ${line}` });
  },
} satisfies StageModule<"eval", typeof evalStageSchema>;
