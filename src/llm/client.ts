// Chat client for any OpenAI-compatible endpoint (vLLM, DeepSeek, OpenAI, proxies), built on undici `request`
// rather than the openai SDK because we must own: retries (the SDK's Retry-After sleep is uncapped and ignores
// AbortSignal), the 300 s headers timeout of Node's fetch (our Agent disables it), per-attempt connect / idle /
// total timeouts over a streamed answer (see attempt.ts), and a concurrency limit.
import { Agent } from "undici";
import pLimit, { type LimitFunction } from "p-limit";
import { abortReason, raceAbort, sleep } from "../util/abortable.js";
import { backoffDelayMs, retryAfterMs, type BackoffPolicy } from "./backoff.js";
import { LLM_DEFAULTS } from "./defaults.js";
import { LlmError, type LlmFailureReason } from "./errors.js";
import { excerpt, redact } from "./redact.js";
import { sendAttempt, type AttemptTarget } from "./attempt.js";
import type { ChatRequest, ChatResult, ModelEndpoint, ModelUsage, RequestTimeouts } from "./types.js";
import { UsageMeter } from "./usage-meter.js";
import type { RequestWatch } from "./heartbeat.js";

export interface LlmClientOptions {
  /** Logical model name → endpoint. */
  models: Record<string, ModelEndpoint>;
  /** Max HTTP attempts in flight at once, all models together. */
  concurrency?: number;
  /** Max sends of one request, first included. */
  maxAttempts?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Upper bound on an obeyed Retry-After. */
  retryAfterCapMs?: number;
  /** Per-attempt connect / idle / total bounds for every endpoint (an endpoint's own `timeouts` win). */
  timeouts?: Partial<RequestTimeouts>;
  /** Where API-key variables are looked up. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Source of jitter, [0, 1). Default Math.random. */
  random?: () => number;
  /** Called before each backoff sleep. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  model: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  reason: LlmFailureReason;
  status?: number;
  delayMs: number;
}

export interface ChatOptions {
  /** Aborts the in-flight attempt and any backoff sleep at once; the call rejects with reason `aborted`. */
  signal?: AbortSignal;
  /** Told when each attempt starts (after the concurrency limit), when bytes arrive, and before each backoff sleep. */
  watch?: RequestWatch;
}

interface ResolvedEndpoint extends AttemptTarget {
  servedName: string;
  apiKey: string | undefined;
}

export class LlmClient {
  private readonly endpoints = new Map<string, ResolvedEndpoint>();
  private readonly agents: Agent[] = [];
  private readonly limit: LimitFunction;
  private readonly meter: UsageMeter;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly retryAfterCapMs: number;
  private readonly random: () => number;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly secrets: string[] = [];

  constructor(options: LlmClientOptions) {
    const env = options.env ?? process.env;
    const concurrency = options.concurrency ?? LLM_DEFAULTS.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new LlmError("config", `concurrency must be a positive integer, got ${concurrency}`);
    this.maxAttempts = options.maxAttempts ?? LLM_DEFAULTS.maxAttempts;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw new LlmError("config", `maxAttempts must be a positive integer, got ${this.maxAttempts}`);
    // One Agent per connect timeout. headersTimeout/bodyTimeout 0: our own idle/total timers bound an attempt
    // (undici's would also cut a non-streaming generation that sends nothing until it ends).
    const agentFor = new Map<number, Agent>();
    const dispatcher = (connectMs: number): Agent => {
      let agent = agentFor.get(connectMs);
      if (!agent) {
        agent = new Agent({ headersTimeout: 0, bodyTimeout: 0, connections: concurrency, keepAliveTimeout: 30_000, connect: { timeout: connectMs } });
        agentFor.set(connectMs, agent);
        this.agents.push(agent);
      }
      return agent;
    };
    const prices = new Map<string, { prompt: number; completion: number }>();
    for (const [name, ep] of Object.entries(options.models)) {
      const timeouts = resolveTimeouts(name, { ...LLM_DEFAULTS.timeouts, ...definedOnly(options.timeouts), ...definedOnly(ep.timeouts) });
      this.endpoints.set(name, resolveEndpoint(name, ep, env, timeouts, dispatcher(timeouts.connectMs)));
      if (ep.costPer1M) prices.set(name, ep.costPer1M);
    }
    for (const ep of this.endpoints.values()) if (ep.apiKey) this.secrets.push(ep.apiKey);
    this.limit = pLimit(concurrency);
    this.meter = new UsageMeter(prices);
    this.backoff = {
      baseMs: options.backoff?.baseMs ?? LLM_DEFAULTS.backoffBaseMs,
      maxMs: options.backoff?.maxMs ?? LLM_DEFAULTS.backoffMaxMs,
      jitter: options.backoff?.jitter ?? LLM_DEFAULTS.backoffJitter,
    };
    this.retryAfterCapMs = options.retryAfterCapMs ?? LLM_DEFAULTS.retryAfterCapMs;
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
  }

  /** Sends one chat completion (streamed unless the endpoint says otherwise), retrying transient failures. Rejects only with LlmError. */
  async chat(req: ChatRequest, options: ChatOptions = {}): Promise<ChatResult> {
    const { signal, watch } = options;
    const ep = this.endpoints.get(req.model);
    if (!ep)
      throw new LlmError("config", `unknown model "${req.model}"; configured: ${[...this.endpoints.keys()].join(", ") || "none"}`, {
        model: req.model,
        attempts: 0,
      });
    // The logical name is replaced by the served name; `stream` is ours to set (the usage comes in a last chunk).
    const streaming = ep.stream ? { stream: true, stream_options: { include_usage: true } } : { stream: false };
    const body = JSON.stringify({ ...req.params, model: ep.servedName, messages: req.messages, ...streaming });
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw aborted(ep, attempt - 1);
      try {
        const result = await raceAbort(
          this.limit(() => {
            if (signal?.aborted) return Promise.reject(abortReason(signal));
            watch?.attempt(attempt, ep.stream ? ep.timeouts.idleMs : undefined);
            return this.send(ep, body, attempt, signal, watch);
          }),
          signal,
        );
        this.meter.add(req.model, result.usage);
        return result;
      } catch (e) {
        const err = e instanceof LlmError ? e : signal?.aborted ? aborted(ep, attempt) : unexpected(ep, e, this.secrets);
        if (err.reason === "aborted") throw err.withAttempts(attempt, false);
        if (!err.retryable) throw err.withAttempts(attempt, false);
        if (attempt >= this.maxAttempts) throw err.withAttempts(attempt, true);
        const delayMs = err.retryAfterMs ?? backoffDelayMs(attempt, this.backoff, this.random);
        this.onRetry?.({ model: ep.model, attempt, reason: err.reason, status: err.status, delayMs });
        watch?.backoff(delayMs);
        try {
          await sleep(delayMs, signal);
        } catch {
          throw aborted(ep, attempt);
        }
      }
    }
  }

  /** Tokens (and cost where priced) per logical model, over successful responses of this client. */
  usage(): Record<string, ModelUsage> {
    return this.meter.snapshot();
  }

  /** Closes idle connections; waits for in-flight requests. */
  async close(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.close()));
  }

  /** Drops all connections at once (in-flight requests fail). */
  async destroy(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.destroy()));
  }

  private send(ep: ResolvedEndpoint, body: string, attempt: number, signal: AbortSignal | undefined, watch: RequestWatch | undefined): Promise<ChatResult> {
    return sendAttempt(ep, body, attempt, signal, {
      byte: watch && (() => watch.byte()),
      httpError: (status, headers, text) => this.httpError(ep, status, headers, text),
      networkError: (e) => new LlmError("connection", `model ${ep.model}: ${ep.where}: ${describeNetworkError(e, this.secrets)}`, { model: ep.model }),
    });
  }

  private httpError(ep: ResolvedEndpoint, status: number, headers: Record<string, string | string[] | undefined>, text: string): LlmError {
    const reason = reasonForStatus(status, text);
    const wait = reason === "rate-limited" || reason === "server-error" ? retryAfterMs(headers, this.retryAfterCapMs) : undefined;
    const snippet = excerpt(redact(text, this.secrets), LLM_DEFAULTS.errorBodyChars);
    return new LlmError(reason, `model ${ep.model}: HTTP ${status} from ${ep.where}${snippet ? `: ${snippet}` : ""}`, {
      model: ep.model,
      status,
      retryAfterMs: wait,
    });
  }
}

export function createLlmClient(options: LlmClientOptions): LlmClient {
  return new LlmClient(options);
}

function resolveEndpoint(
  name: string,
  ep: ModelEndpoint,
  env: Record<string, string | undefined>,
  timeouts: RequestTimeouts,
  dispatcher: Agent,
): ResolvedEndpoint {
  let url: URL;
  try {
    url = new URL(`${ep.baseUrl.replace(/\/+$/, "")}/chat/completions`);
  } catch {
    throw new LlmError("config", `model ${name}: baseUrl is not a valid URL`, { model: name, attempts: 0 });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new LlmError("config", `model ${name}: baseUrl must be http(s)`, { model: name, attempts: 0 });
  if (url.username || url.password)
    throw new LlmError("config", `model ${name}: put credentials in the variable named by apiKeyEnv, not in baseUrl`, { model: name, attempts: 0 });
  const stream = ep.stream ?? LLM_DEFAULTS.stream;
  const headers: Record<string, string> = { "content-type": "application/json", accept: stream ? "text/event-stream, application/json" : "application/json" };
  let apiKey: string | undefined;
  if (ep.apiKeyEnv !== undefined) {
    apiKey = env[ep.apiKeyEnv];
    // Only the variable's NAME is ever reported.
    if (!apiKey)
      throw new LlmError("config", `model ${name}: environment variable ${ep.apiKeyEnv} (apiKeyEnv) is not set or empty`, { model: name, attempts: 0 });
    headers["authorization"] = `Bearer ${apiKey}`;
  }
  return {
    model: name,
    url: url.href,
    where: `${url.origin}${url.pathname}`,
    servedName: ep.servedName ?? name,
    headers,
    apiKey,
    stream,
    timeouts,
    dispatcher,
  };
}

function resolveTimeouts(name: string, t: RequestTimeouts): RequestTimeouts {
  for (const [key, value] of Object.entries(t)) {
    if (!(typeof value === "number" && Number.isFinite(value) && value > 0))
      throw new LlmError("config", `model ${name}: timeouts.${key} must be a positive number of milliseconds, got ${value}`, { model: name, attempts: 0 });
  }
  return t;
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function reasonForStatus(status: number, text: string): LlmFailureReason {
  if (status === 429) return "rate-limited";
  if (status === 408) return "timeout";
  if (status >= 500) return "server-error";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not-found";
  if (status === 400 && /maximum context length/i.test(text)) return "context-length";
  return "bad-request";
}

function aborted(ep: ResolvedEndpoint, attempts: number): LlmError {
  return new LlmError("aborted", `model ${ep.model}: request aborted by the caller`, { model: ep.model, attempts });
}

function unexpected(ep: ResolvedEndpoint, e: unknown, secrets: readonly string[]): LlmError {
  return new LlmError("connection", `model ${ep.model}: ${describeNetworkError(e, secrets)}`, { model: ep.model });
}

function describeNetworkError(e: unknown, secrets: readonly string[]): string {
  if (!(e instanceof Error)) return redact(String(e), secrets);
  const code = (e as { code?: unknown }).code;
  return redact(`${typeof code === "string" ? `${code}: ` : ""}${e.message}`, secrets);
}
