import { describe, expect, it } from "vitest";
import { parseChatCompletion } from "../../src/llm/response.js";
import { LlmError } from "../../src/llm/errors.js";

const body = (message: object, extra: object = {}) =>
  JSON.stringify({ choices: [{ index: 0, message, finish_reason: "length" }], usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 }, ...extra });

describe("parseChatCompletion", () => {
  it("reads reasoning_content (vLLM 0.8-0.10) and reasoning (newer vLLM)", () => {
    expect(parseChatCompletion(body({ content: "a", reasoning_content: "r1" }), "m", 1).reasoning).toBe("r1");
    expect(parseChatCompletion(body({ content: "a", reasoning: "r2" }), "m", 1).reasoning).toBe("r2");
    expect(parseChatCompletion(body({ content: "a", reasoning: "new", reasoning_content: "old" }), "m", 1).reasoning).toBe("new");
    expect(parseChatCompletion(body({ content: null, reasoning: null }), "m", 1)).toMatchObject({ content: null, reasoning: null });
  });
  it("keeps finish_reason and usage", () => {
    const r = parseChatCompletion(body({ content: "x" }), "m", 2);
    expect(r).toMatchObject({ finishReason: "length", attempts: 2, usage: { promptTokens: 7, completionTokens: 5, totalTokens: 12 } });
  });
  it("rejects cut or wrongly shaped bodies as retryable malformed-response", () => {
    for (const text of ['{"choices":[{"message":{"content":"tr', "{}", '{"choices":[]}', '{"choices":[{"text":"legacy"}]}']) {
      const e = (() => {
        try {
          parseChatCompletion(text, "m", 1);
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(LlmError);
      expect((e as LlmError).reason).toBe("malformed-response");
      expect((e as LlmError).retryable).toBe(true);
    }
  });
});
