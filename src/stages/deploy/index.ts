// The deploy stage: vLLM's OpenAI-compatible server(s) on the merged model. A service: the pipeline waits until it
// really answers, records the endpoint, and later stages (eval) use it; it is stopped at the end unless kept.
import { basename, isAbsolute, join } from "node:path";
import type { Problem } from "../../errors.js";
import { PreflightError } from "../../errors.js";
import type { DeployStageConfig } from "./config.js";
import type { StageContext, StageModule, StageRender } from "../../contract/stage.js";
import { toolCommand, type ToolBinding } from "../../contract/tool-binding.js";
import { deployStageSchema } from "./config.js";
import { deployOutputs } from "./outputs.js";
import { mergeOutputs } from "../merge/outputs.js";
import { estimateServe } from "./resources.js";
import { resolveModel } from "../../resources/model-dims.js";
import { isPromised } from "../../contract/promised.js";
import { nodeExecutable } from "../../contract/experiment.js";
import { planReplicas, renderReplicas } from "../../tools/vllm/replicas.js";
import { serveConfigProblems } from "../../tools/vllm/preflight.js";
import { waitUntilReady } from "../../tools/vllm/ready.js";
import { classifyVllmLog } from "../../tools/vllm/classify.js";
import type { ServeCommand } from "../../tools/vllm/render.js";
import { distPath } from "../../util/dist-path.js";

const SUPERVISOR = distPath("assets/node/replicas.mjs");

function deployConfig(ctx: StageContext<DeployStageConfig>): DeployStageConfig {
  return ctx.stage;
}

function modelPath(ctx: StageContext<DeployStageConfig>): string {
  return deployConfig(ctx).model ?? mergeOutputs.of(ctx)?.model ?? ctx.config.model.base;
}

function servedName(ctx: StageContext<DeployStageConfig>): string {
  return deployConfig(ctx).served_model_name ?? (mergeOutputs.of(ctx) || deployConfig(ctx).model ? ctx.config.name : basename(modelPath(ctx)));
}

async function serveCommands(ctx: StageContext<DeployStageConfig>): Promise<ServeCommand[]> {
  const deploy = deployConfig(ctx);
  const gpus = ctx.config.cluster.gpus ?? Array.from({ length: ctx.config.cluster.gpus_per_node }, (_, i) => i);
  const plan = await planReplicas({
    gpus,
    tensorParallelSize: deploy.tensor_parallel_size,
    replicas: deploy.replicas,
    host: deploy.host,
    basePort: deploy.port,
    stage: "deploy",
    configKey: "stages.deploy",
  });
  return renderReplicas(
    {
      model: modelPath(ctx),
      servedModelName: servedName(ctx),
      maxModelLen: deploy.max_model_len,
      gpuMemoryUtilization: deploy.gpu_memory_utilization,
      host: deploy.host,
      extraArgs: deploy.extra_args,
      command: toolCommand(ctx.config, VLLM),
      stage: "deploy",
      configKey: "stages.deploy",
      // The key's *value* never enters argv, env files or state: the server reads it from the inherited environment.
      apiKey: undefined,
    },
    plan,
  );
}

function baseUrls(commands: ServeCommand[]): string[] {
  return commands.map((c) => c.baseUrl);
}

/** DIANJIN_POLL_MS tunes every poll of a run, the readiness checks included. */
function readyPolling(): { pollIntervalMs?: number } {
  const ms = Number(process.env.DIANJIN_POLL_MS);
  return ms > 0 ? { pollIntervalMs: ms } : {};
}

const VLLM: ToolBinding = {
  tool: "vllm",
  defaultCommand: ["vllm"],
  install: "pip install vllm",
  versionArgs: ["--version"],
  parseVersion: (output) => /(\d+\.\d+\.\d+[\w.+-]*)/.exec(output)?.[1],
};

export const deployStage = {
  name: "deploy",
  version: 1,
  title: "deploy (vLLM)",
  summary: "serve the model with vLLM",
  schema: deployStageSchema,
  modelFields: ["model"],
  kind: "service",
  placement: "single-node",
  needs: ["merge"],
  backends: { vllm: VLLM },

  async render(ctx): Promise<StageRender> {
    const deploy = deployConfig(ctx);
    let commands: ServeCommand[];
    try {
      commands = await serveCommands(ctx);
    } catch (error) {
      if (error instanceof PreflightError) {
        // Still show something in `plan`; pre-flight reports the problem.
        commands = [];
      } else throw error;
    }
    const single = commands.length === 1 ? commands[0]! : undefined;
    const specFile = join(ctx.paths.rendered, "replicas.json");
    return {
      files: single
        ? {}
        : {
            replicas: {
              path: specFile,
              content: `${JSON.stringify(
                commands.map((c) => ({ argv: c.argv, env: c.env })),
                null,
                2,
              )}\n`,
            },
          },
      argv: single ? single.argv : [nodeExecutable(ctx.config.cluster), SUPERVISOR, specFile],
      env: { ...(single?.env ?? {}), ...ctx.config.tools.vllm?.env },
      ...(deploy.api_key_env ? { secretEnv: { VLLM_API_KEY: deploy.api_key_env } } : {}),
      keyInputs: {
        stages: { deploy: { ...deploy, port: undefined, model: modelPath(ctx), served_model_name: servedName(ctx) } },
        tools: { vllm: { command: toolCommand(ctx.config, VLLM) } },
        endpoints: baseUrls(commands).length,
      },
      inputFiles: [],
      fingerprint: "mtime",
      serviceEndpoints: baseUrls(commands),
    };
  },

  async resources(ctx) {
    if (ctx.config.cluster.gpus_per_node === 0) return undefined; // no GPUs: nothing to estimate
    const model = await resolveModel([modelPath(ctx), ctx.config.model.base]);
    return model && estimateServe(ctx.config, deployConfig(ctx), model);
  },

  async preflight(ctx): Promise<Problem[]> {
    const deploy = deployConfig(ctx);
    const problems: Problem[] = [];
    try {
      await serveCommands(ctx);
    } catch (error) {
      if (error instanceof PreflightError) problems.push(...error.problems);
      else throw error;
    }
    // A hub id is downloaded by vLLM; a model the merge stage will write in this run cannot be read yet.
    const model = modelPath(ctx);
    if (isAbsolute(model) && !isPromised(ctx, model)) {
      problems.push(
        ...(await serveConfigProblems({
          model,
          tensorParallelSize: deploy.tensor_parallel_size,
          maxModelLen: deploy.max_model_len,
          configKey: "stages.deploy",
        })),
      );
    }
    if (deploy.api_key_env && !process.env[deploy.api_key_env]) {
      problems.push({ path: "stages.deploy.api_key_env", message: `environment variable ${deploy.api_key_env} is not set` });
    }
    return problems;
  },

  async outputsComplete() {
    return false; // a server is never "done"; skipping is decided by service.alive
  },

  outputs: () => ({}),

  classify: (logText) => {
    const cause = classifyVllmLog(logText.split("\n"));
    return cause.id === "unknown" ? undefined : cause;
  },

  service: {
    async ready(ctx, render, job, signal) {
      const deploy = deployConfig(ctx);
      const urls = render.serviceEndpoints ?? [];
      const model = servedName(ctx);
      const apiKey = deploy.api_key_env ? process.env[deploy.api_key_env] : undefined;
      await Promise.all(
        urls.map((baseUrl) =>
          waitUntilReady(
            { baseUrl, model, pid: job.pid },
            { timeoutMs: deploy.startup_timeout_minutes * 60_000, signal, logFile: job.logFile, apiKey, stage: "deploy", ...readyPolling() },
          ),
        ),
      );
      return deployOutputs.make({ baseUrl: urls[0]!, baseUrls: urls.join(","), model, ...(deploy.api_key_env ? { apiKeyEnv: deploy.api_key_env } : {}) });
    },
    async alive(outputs) {
      const urls = (outputs.baseUrls ?? outputs.baseUrl ?? "").split(",").filter(Boolean);
      if (!urls.length) return false;
      const checks = await Promise.all(
        urls.map((u) =>
          fetch(`${u}/health`, { signal: AbortSignal.timeout(3000) }).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      );
      return checks.every(Boolean);
    },
    address: (outputs) => ({ first: outputs.baseUrl ?? "?", all: outputs.baseUrls ?? outputs.baseUrl ?? "?", model: outputs.model }),
    keep: (config) => (config.stages.deploy as DeployStageConfig | undefined)?.keep ?? false,
  },
} satisfies StageModule<"deploy", typeof deployStageSchema>;
