// Shapes of requests and results of the OpenAI-compatible chat client.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
}

/** Sampling fields sent verbatim in the request body. vLLM extras (top_k, repetition_penalty, ...) are allowed. */
export interface SamplingParams {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
  max_tokens?: number;
  seed?: number;
  n?: number;
  stop?: string | string[];
  repetition_penalty?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  [extra: string]: JsonValue | undefined;
}

export interface ChatRequest {
  /** Logical model name: a key of LlmClientOptions.models. */
  model: string;
  messages: ChatMessage[];
  params?: SamplingParams;
}

/** How to reach one model. */
export interface ModelEndpoint {
  /** e.g. http://127.0.0.1:8000/v1 ; `/chat/completions` is appended. */
  baseUrl: string;
  /** Name sent as `model` in the body (vLLM's --served-model-name). Defaults to the logical name. */
  servedName?: string;
  /** NAME of the environment variable holding the API key. Omit for servers without a key. */
  apiKeyEnv?: string;
  /** Optional price in your currency per 1M tokens, for cost accounting. */
  costPer1M?: { prompt: number; completion: number };
  /** Overrides of the client's timeouts for this endpoint. */
  timeouts?: Partial<RequestTimeouts>;
  /** Stream the answer (default true); false for servers that cannot stream (then only `totalMs` bounds a wait). */
  stream?: boolean;
}

/** Bounds on one attempt. A timed-out attempt is aborted and retried like a 5xx. */
export interface RequestTimeouts {
  /** TCP (+TLS) connection set-up. */
  connectMs: number;
  /** No byte received for this long (headers or body) while streaming. */
  idleMs: number;
  /** The whole attempt, streaming or not. */
  totalMs: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatChoice {
  content: string | null;
  /** `message.reasoning` (newer vLLM) or `message.reasoning_content` (vLLM 0.8-0.10, DeepSeek). */
  reasoning: string | null;
  finishReason: string | null;
}

export interface ChatResult extends ChatChoice {
  model: string;
  /** All choices (n > 1); the top-level fields repeat choices[0]. */
  choices: ChatChoice[];
  usage: Usage;
  /** Attempts this result took (1 = first try). */
  attempts: number;
}

export interface ModelUsage extends Usage {
  requests: number;
  /** Present only when the model has costPer1M. */
  cost?: number;
}
