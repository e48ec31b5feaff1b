// The OpenAI-compatible client for an evaluation endpoint: one named model per replica, spread by a ReplicaPool.
// Shared by the benchmark runner and the FinQA judge (its own file so that neither imports the other).
import { LlmClient, type LlmClientOptions, type RequestTimeouts } from "../../../llm/index.js";
import { EVAL_DEFAULTS } from "./defaults.js";
import { ReplicaPool } from "./replicas.js";

export interface EvalEndpoint {
  /** One base URL per replica (…/v1). */
  baseUrls: string[];
  /** Served model name sent in requests. */
  model: string;
  apiKeyEnv?: string;
  /** Per-attempt bounds (stage timeouts with the endpoint's overrides applied). */
  timeouts?: Partial<RequestTimeouts>;
  /** false: the server cannot stream. */
  stream?: boolean;
}

export function createEndpointClient(
  endpoint: EvalEndpoint,
  options: { concurrency: number; maxAttempts?: number; env?: NodeJS.ProcessEnv; backoffBaseMs?: number; onRetry?: LlmClientOptions["onRetry"] },
): { client: LlmClient; pool: ReplicaPool } {
  const names = endpoint.baseUrls.map((_, i) => `replica-${i}`);
  const models = Object.fromEntries(
    endpoint.baseUrls.map((baseUrl, i) => [
      names[i]!,
      {
        baseUrl,
        servedName: endpoint.model,
        ...(endpoint.apiKeyEnv ? { apiKeyEnv: endpoint.apiKeyEnv } : {}),
        ...(endpoint.timeouts ? { timeouts: endpoint.timeouts } : {}),
        ...(endpoint.stream !== undefined ? { stream: endpoint.stream } : {}),
      },
    ]),
  );
  const client = new LlmClient({
    models,
    concurrency: options.concurrency,
    maxAttempts: options.maxAttempts ?? EVAL_DEFAULTS.maxAttempts,
    ...(options.env ? { env: options.env } : {}),
    ...(options.backoffBaseMs !== undefined ? { backoff: { baseMs: options.backoffBaseMs } } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  return { client, pool: new ReplicaPool(names) };
}
