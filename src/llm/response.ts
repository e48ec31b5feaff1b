// Reading a non-streaming chat completion body. Anything that is not a usable completion is `malformed-response`
// (retryable: a proxy or an overloaded server can cut or garble a body).
import { LlmError } from "./errors.js";
import type { ChatChoice, ChatResult, Usage } from "./types.js";

export function parseChatCompletion(text: string, model: string, attempts: number): ChatResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new LlmError("malformed-response", `model ${model}: response body is not valid JSON (${text.length} bytes)`, { model, status: 200 });
  }
  const choicesRaw = isObject(body) ? body["choices"] : undefined;
  if (!Array.isArray(choicesRaw) || choicesRaw.length === 0) {
    throw new LlmError("malformed-response", `model ${model}: response has no choices`, { model, status: 200 });
  }
  const choices = choicesRaw.map((c, i) => readChoice(c, i, model));
  const first = choices[0]!;
  return { model, ...first, choices, usage: readUsage(isObject(body) ? body["usage"] : undefined), attempts };
}

function readChoice(raw: unknown, index: number, model: string): ChatChoice {
  const message = isObject(raw) ? raw["message"] : undefined;
  if (!isObject(raw) || !isObject(message)) {
    throw new LlmError("malformed-response", `model ${model}: choice ${index} has no message`, { model, status: 200 });
  }
  return {
    content: stringOrNull(message["content"]),
    // Newer vLLM names it `reasoning`; 0.8-0.10 and DeepSeek use `reasoning_content`. Either may be a copy.
    reasoning: stringOrNull(message["reasoning"]) ?? stringOrNull(message["reasoning_content"]),
    finishReason: stringOrNull(raw["finish_reason"]),
  };
}

export function readUsage(raw: unknown): Usage {
  const u = isObject(raw) ? raw : {};
  const promptTokens = count(u["prompt_tokens"]);
  const completionTokens = count(u["completion_tokens"]);
  const total = count(u["total_tokens"]);
  return { promptTokens, completionTokens, totalTokens: total || promptTokens + completionTokens };
}

function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

function stringOrNull(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
