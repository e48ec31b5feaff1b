// The eval stage's effective settings, from its config block and the deploy stage: which endpoint, which exact
// sampling parameters, how many requests in flight. Pure functions, so `plan` and the run agree.
import type { EvalStageConfig } from "./config.js";
import type { DeployStageConfig } from "../deploy/config.js";
import type { SamplingParams } from "../../llm/index.js";
import { timeoutsFromSeconds } from "../../llm/timeouts.js";
import { EVAL_DEFAULTS } from "./engine/defaults.js";
import type { EvalEndpoint } from "./engine/endpoint-client.js";
import type { ServedEndpoint } from "../deploy/outputs.js";

/** Every parameter that is sent, with defaults filled in. vLLM extras go to our own server always, elsewhere only when set. */
export function resolveSampling(cfg: EvalStageConfig): SamplingParams {
  const s = cfg.sampling;
  const d = EVAL_DEFAULTS.sampling;
  const ownServer = cfg.endpoint === undefined;
  const out: SamplingParams = {
    temperature: s.temperature ?? d.temperature,
    top_p: s.top_p ?? d.top_p,
    max_tokens: s.max_tokens ?? d.max_tokens,
    n: s.n ?? d.n,
    seed: s.seed ?? d.seed,
  };
  const topK = s.top_k ?? (ownServer ? EVAL_DEFAULTS.vllmNeutral.top_k : undefined);
  const rep = s.repetition_penalty ?? (ownServer ? EVAL_DEFAULTS.vllmNeutral.repetition_penalty : undefined);
  if (topK !== undefined) out.top_k = topK;
  if (rep !== undefined) out.repetition_penalty = rep;
  return out;
}

/** --max-num-seqs from the deploy stage's extra_args (`--max-num-seqs N`, `--max_num_seqs=N`), else vLLM's default. */
export function maxNumSeqs(deploy: DeployStageConfig | undefined): number {
  const args = deploy?.extra_args ?? [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--max[-_]num[-_]seqs(?:=(\d+))?$/.exec(args[i]!);
    if (!m) continue;
    const value = Number(m[1] ?? args[i + 1]);
    if (Number.isInteger(value) && value > 0) return value;
  }
  return EVAL_DEFAULTS.maxNumSeqsPerReplica;
}

/** Requests in flight over all replicas: enough to fill every replica's batch. */
export function resolveConcurrency(cfg: EvalStageConfig, deploy: DeployStageConfig | undefined, replicas: number): number {
  if (cfg.concurrency !== undefined) return cfg.concurrency;
  if (cfg.endpoint) return EVAL_DEFAULTS.externalConcurrency * Math.max(1, replicas);
  return maxNumSeqs(deploy) * Math.max(1, replicas);
}

export function splitUrls(list: string): string[] {
  return list
    .split(",")
    .map((u) => u.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

/** The endpoint to evaluate: the configured one, else the deploy stage's outputs; undefined when neither is known. */
export function resolveEndpoint(cfg: EvalStageConfig, deployOutputs: Partial<ServedEndpoint> | undefined): EvalEndpoint | undefined {
  if (cfg.endpoint) {
    const ep = cfg.endpoint;
    return {
      baseUrls: splitUrls(ep.base_url),
      model: ep.model,
      ...(ep.api_key_env ? { apiKeyEnv: ep.api_key_env } : {}),
      timeouts: timeoutsFromSeconds(cfg.timeouts, ep.timeouts),
      ...(ep.stream !== undefined ? { stream: ep.stream } : {}),
    };
  }
  // The deploy stage records server roots (for /health); the OpenAI API lives under /v1.
  const urls = splitUrls(deployOutputs?.baseUrls ?? deployOutputs?.baseUrl ?? "").map(withV1);
  if (!urls.length || !deployOutputs?.model) return undefined;
  return {
    baseUrls: urls,
    model: deployOutputs.model,
    ...(deployOutputs.apiKeyEnv ? { apiKeyEnv: deployOutputs.apiKeyEnv } : {}),
    timeouts: timeoutsFromSeconds(cfg.timeouts),
  };
}

function withV1(url: string): string {
  return /\/v1$/.test(url) ? url : `${url}/v1`;
}

/**
 * Names the model in journal keys. For our own server it is the deploy stage's key (model folder, serving settings,
 * and through it the merge/GRPO keys), so a new model never reuses old answers while a new port does.
 */
export function modelIdentity(cfg: EvalStageConfig, deployKey: string | undefined): string {
  return cfg.endpoint ? `endpoint:${cfg.endpoint.model}` : `deploy:${deployKey ?? "unknown"}`;
}
