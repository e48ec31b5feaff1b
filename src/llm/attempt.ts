// One HTTP attempt of a chat completion, bounded in time: `totalMs` for the whole attempt and, while streaming,
// `idleMs` without a byte (headers or body). Either aborts the request and fails as `timeout` (retried like a 5xx).
// A server that ignores `stream: true` and answers with one JSON body is read as a plain completion.
import { request, type Dispatcher } from "undici";
import { LlmError } from "./errors.js";
import { parseChatCompletion } from "./response.js";
import { SseDecoder } from "./sse.js";
import { StreamedCompletion } from "./stream-response.js";
import type { ChatResult, RequestTimeouts } from "./types.js";

export interface AttemptTarget {
  model: string;
  url: string;
  /** For messages: origin + path, never credentials. */
  where: string;
  headers: Record<string, string>;
  stream: boolean;
  timeouts: RequestTimeouts;
  dispatcher: Dispatcher;
}

export interface AttemptHooks {
  /** Turns a non-2xx answer into the client's error (reason, Retry-After, redacted excerpt). */
  httpError(status: number, headers: Record<string, string | string[] | undefined>, text: string): LlmError;
  /** Describes a network error without secrets. */
  networkError(e: unknown): LlmError;
  /** Bytes arrived (headers or a body chunk): the heartbeat's "silent" clock. */
  byte?: () => void;
}

export async function sendAttempt(
  target: AttemptTarget,
  body: string,
  attempt: number,
  signal: AbortSignal | undefined,
  hooks: AttemptHooks,
): Promise<ChatResult> {
  const controller = new AbortController();
  let timedOut: "idle" | "total" | undefined;
  const expire = (kind: "idle" | "total") => {
    timedOut ??= kind;
    controller.abort();
  };
  const { idleMs, totalMs } = target.timeouts;
  const total = setTimeout(() => expire("total"), totalMs);
  // Without streaming a server legitimately sends nothing until the answer is complete: only `total` applies.
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    hooks.byte?.();
    if (!target.stream) return;
    if (idle) idle.refresh();
    else idle = setTimeout(() => expire("idle"), idleMs);
  };
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  try {
    touch();
    const res = await request(target.url, { method: "POST", headers: target.headers, body, signal: controller.signal, dispatcher: target.dispatcher });
    touch();
    const contentType = String(res.headers["content-type"] ?? "");
    if (res.statusCode < 200 || res.statusCode >= 300) throw hooks.httpError(res.statusCode, res.headers, await readText(res.body, touch));
    if (target.stream && contentType.includes("text/event-stream")) {
      const decoder = new SseDecoder();
      const completion = new StreamedCompletion(target.model);
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        touch();
        for (const payload of decoder.push(chunk)) completion.add(payload);
      }
      for (const payload of decoder.end()) completion.add(payload);
      return completion.result(attempt);
    }
    return parseChatCompletion(await readText(res.body, touch), target.model, attempt);
  } catch (e) {
    if (e instanceof LlmError) throw e;
    if (signal?.aborted) throw e;
    if (timedOut === "idle")
      throw new LlmError("timeout", `model ${target.model}: no byte from ${target.where} for ${seconds(idleMs)} (idle timeout)`, { model: target.model });
    if (timedOut === "total")
      throw new LlmError("timeout", `model ${target.model}: no complete answer from ${target.where} within ${seconds(totalMs)} (total timeout)`, {
        model: target.model,
      });
    if ((e as { code?: unknown }).code === "UND_ERR_CONNECT_TIMEOUT") {
      throw new LlmError("timeout", `model ${target.model}: no connection to ${target.where} within ${seconds(target.timeouts.connectMs)} (connect timeout)`, {
        model: target.model,
      });
    }
    throw hooks.networkError(e);
  } finally {
    clearTimeout(total);
    if (idle) clearTimeout(idle);
    signal?.removeEventListener("abort", onAbort);
  }
}

async function readText(body: AsyncIterable<Uint8Array>, touch: () => void): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body) {
    touch();
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts).toString("utf8");
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
