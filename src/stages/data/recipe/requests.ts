// Chat requests of each role: the endpoint's model and sampling, plus a seed derived from (recipe seed, step, item,
// attempt) so retries differ from each other while a rerun sends exactly the same request (and hits the journal).
import { createHash } from "node:crypto";
import type { DataStageConfig, EndpointConfig, RecipeRole } from "../config.js";
import type { ChatRequest, ModelEndpoint, SamplingParams } from "../../../llm/index.js";
import { RECIPE_DEFAULTS } from "./defaults.js";
import { timeoutsFromSeconds } from "../../../llm/timeouts.js";
import { ConfigError } from "../../../errors.js";

/** The endpoint a role uses: `merge` falls back to `convert`. */
export function roleEndpoint(config: DataStageConfig, role: RecipeRole): EndpointConfig | undefined {
  const e = config.endpoints;
  return role === "merge" ? (e.merge ?? e.convert) : e[role];
}

/** Logical model name of a role: part of every journal key, so changing a role's model re-sends its requests. */
export function logicalModel(role: RecipeRole, ep: EndpointConfig): string {
  return `${role}:${ep.model}`;
}

/** The LlmClient model table for the roles that are configured. */
export function clientModels(config: DataStageConfig): Record<string, ModelEndpoint> {
  const models: Record<string, ModelEndpoint> = {};
  for (const role of ["convert", "distill", "judge", "check", "merge"] as const) {
    const ep = roleEndpoint(config, role);
    if (!ep) continue;
    models[logicalModel(role, ep)] = {
      baseUrl: ep.base_url,
      servedName: ep.model,
      ...(ep.api_key_env ? { apiKeyEnv: ep.api_key_env } : {}),
      ...(ep.cost_per_1m ? { costPer1M: ep.cost_per_1m } : {}),
      timeouts: timeoutsFromSeconds(config.timeouts, ep.timeouts),
      ...(ep.stream !== undefined ? { stream: ep.stream } : {}),
    };
  }
  return models;
}

export function requestSeed(seed: number, step: string, itemId: string, attempt: number): number {
  return createHash("sha256").update(`${seed}\u0000${step}\u0000${itemId}\u0000${attempt}`).digest().readUInt32BE(0) >>> 1;
}

export class RequestBuilder {
  constructor(private readonly config: DataStageConfig) {}

  build(role: RecipeRole, prompt: string, itemId: string, attempt = 1): ChatRequest {
    const ep = roleEndpoint(this.config, role);
    if (!ep)
      throw new ConfigError("stages.data.endpoints", [
        { path: `stages.data.endpoints.${role}`, message: `the recipe needs the ${role} endpoint for item ${itemId}` },
      ]);
    const params: SamplingParams = { ...RECIPE_DEFAULTS.params[role], ...ep.params };
    if (ep.send_seed) params.seed = requestSeed(this.config.seed, role, itemId, attempt);
    return { model: logicalModel(role, ep), messages: [{ role: "user", content: prompt }], params };
  }
}

/** A number in [0, 1) from (seed, purpose, key): decides conversion candidates independent of input order. */
export function seededUnit(seed: number, purpose: string, key: string): number {
  return createHash("sha256").update(`${seed}\u0000${purpose}\u0000${key}`).digest().readUIntBE(0, 6) / 2 ** 48;
}
