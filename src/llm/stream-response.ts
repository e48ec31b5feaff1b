// Reading a streamed chat completion (OpenAI chat-completions streaming): each `data:` event is a
// `chat.completion.chunk` whose choices carry `delta.content` and `delta.reasoning_content` / `delta.reasoning`
// (vLLM's reasoning parser, DeepSeek) per choice index; with `stream_options.include_usage` a last chunk has empty
// `choices` and the `usage`; `[DONE]` ends the stream. A body that ends before `[DONE]` was cut (retryable), a chunk
// that is not JSON is `malformed-response`, and an `{"error": …}` event (vLLM reports failures mid-stream this way)
// is a server error.
import { LlmError } from "./errors.js";
import { isObject, readUsage } from "./response.js";
import type { ChatChoice, ChatResult, Usage } from "./types.js";

interface ChoiceParts {
  content: string[];
  reasoning: string[];
  sawContent: boolean;
  sawReasoning: boolean;
  finishReason: string | null;
}

export class StreamedCompletion {
  private readonly choices = new Map<number, ChoiceParts>();
  private usage: Usage | undefined;
  /** `[DONE]` was received. */
  done = false;

  constructor(private readonly model: string) {}

  /** Takes one event payload (the text after `data: `). */
  add(payload: string): void {
    if (this.done) return;
    if (payload.trim() === "[DONE]") {
      this.done = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(payload);
    } catch {
      throw new LlmError("malformed-response", `model ${this.model}: a stream chunk is not valid JSON (${payload.length} bytes)`, {
        model: this.model,
        status: 200,
      });
    }
    if (!isObject(chunk)) throw new LlmError("malformed-response", `model ${this.model}: a stream chunk is not an object`, { model: this.model, status: 200 });
    if (chunk["error"] !== undefined) {
      const err = chunk["error"];
      const message = isObject(err) && typeof err["message"] === "string" ? err["message"] : JSON.stringify(err);
      throw new LlmError("server-error", `model ${this.model}: the server reported an error mid-stream: ${message.slice(0, 300)}`, {
        model: this.model,
        status: 200,
      });
    }
    const usage = chunk["usage"];
    if (isObject(usage)) this.usage = readUsage(usage);
    const choices = chunk["choices"];
    if (choices === undefined || choices === null) return;
    if (!Array.isArray(choices))
      throw new LlmError("malformed-response", `model ${this.model}: a stream chunk's choices is not a list`, { model: this.model, status: 200 });
    for (const c of choices) this.addChoice(c);
  }

  /** The whole completion; throws when the stream was cut before `[DONE]` or carried no choice. */
  result(attempts: number): ChatResult {
    if (!this.done)
      throw new LlmError("connection", `model ${this.model}: the stream ended before [DONE] (connection cut mid-answer)`, { model: this.model, status: 200 });
    if (this.choices.size === 0)
      throw new LlmError("malformed-response", `model ${this.model}: the stream carried no choices`, { model: this.model, status: 200 });
    const indexes = [...this.choices.keys()].sort((a, b) => a - b);
    const choices: ChatChoice[] = indexes.map((i) => {
      const p = this.choices.get(i)!;
      return { content: p.sawContent ? p.content.join("") : null, reasoning: p.sawReasoning ? p.reasoning.join("") : null, finishReason: p.finishReason };
    });
    return { model: this.model, ...choices[0]!, choices, usage: this.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, attempts };
  }

  private addChoice(raw: unknown): void {
    if (!isObject(raw)) throw new LlmError("malformed-response", `model ${this.model}: a stream choice is not an object`, { model: this.model, status: 200 });
    const index = typeof raw["index"] === "number" ? raw["index"] : 0;
    let parts = this.choices.get(index);
    if (!parts) {
      parts = { content: [], reasoning: [], sawContent: false, sawReasoning: false, finishReason: null };
      this.choices.set(index, parts);
    }
    const delta = raw["delta"];
    if (isObject(delta)) {
      if (typeof delta["content"] === "string") {
        parts.content.push(delta["content"]);
        parts.sawContent = true;
      }
      // Newer vLLM names it `reasoning`, 0.8-0.10 and DeepSeek `reasoning_content`; a server may send both as copies.
      const reasoning = typeof delta["reasoning"] === "string" ? delta["reasoning"] : delta["reasoning_content"];
      if (typeof reasoning === "string") {
        parts.reasoning.push(reasoning);
        parts.sawReasoning = true;
      }
    }
    if (typeof raw["finish_reason"] === "string") parts.finishReason = raw["finish_reason"];
  }
}
