import { describe, expect, it } from "vitest";
import { SseDecoder } from "../../src/llm/sse.js";
import { StreamedCompletion } from "../../src/llm/stream-response.js";
import { LlmError } from "../../src/llm/index.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("SseDecoder", () => {
  it("joins events split anywhere, including inside a UTF-8 character and between \\r and \\n", () => {
    const text = 'data: {"a":"财务"}\r\n\r\n: keep-alive\n\nevent: x\nid: 3\ndata: [DONE]\n\n';
    const all = bytes(text);
    for (const cut of [1, 9, 13, 14, 15, 20, all.length - 1]) {
      const d = new SseDecoder();
      const got = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut)), ...d.end()];
      expect(got, `cut at ${cut}`).toEqual(['{"a":"财务"}', "[DONE]"]);
    }
  });

  it("joins multi-line data with \\n and keeps a last event that lacks its blank line", () => {
    const d = new SseDecoder();
    expect([...d.push(bytes("data:one\ndata: two\n\ndata: last")), ...d.end()]).toEqual(["one\ntwo", "last"]);
  });
});

describe("StreamedCompletion", () => {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ object: "chat.completion.chunk", choices, ...extra });

  it("collects content and reasoning deltas per choice, the finish reason and the final usage chunk", () => {
    const s = new StreamedCompletion("m");
    s.add(
      chunk([
        { index: 0, delta: { role: "assistant", content: "" } },
        { index: 1, delta: { role: "assistant" } },
      ]),
    );
    s.add(chunk([{ index: 1, delta: { reasoning: "think 1" } }]));
    s.add(chunk([{ index: 0, delta: { reasoning_content: "th" } }]));
    s.add(chunk([{ index: 0, delta: { reasoning_content: "ink" } }]));
    s.add(chunk([{ index: 0, delta: { content: "\\boxed{" } }]));
    s.add(chunk([{ index: 0, delta: { content: "B}" }, finish_reason: "stop" }]));
    s.add(chunk([{ index: 1, delta: { content: "x" }, finish_reason: "length" }]));
    s.add(chunk([], { usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 } }));
    s.add("[DONE]");
    const r = s.result(2);
    expect(r).toMatchObject({
      content: "\\boxed{B}",
      reasoning: "think",
      finishReason: "stop",
      attempts: 2,
      usage: { promptTokens: 7, completionTokens: 5, totalTokens: 12 },
    });
    expect(r.choices[1]).toEqual({ content: "x", reasoning: "think 1", finishReason: "length" });
  });

  it("a stream cut before [DONE] is a retryable connection failure; a bad chunk is malformed; an error event is a server error", () => {
    const cut = new StreamedCompletion("m");
    cut.add(chunk([{ index: 0, delta: { content: "half" } }]));
    expect(() => cut.result(1)).toThrow(expect.objectContaining({ reason: "connection", retryable: true }));
    expect(() => new StreamedCompletion("m").add('{"choices":[{"delta":{"content":"tru')).toThrow(expect.objectContaining({ reason: "malformed-response" }));
    let err: unknown;
    try {
      new StreamedCompletion("m").add(JSON.stringify({ error: { message: "engine died", code: 500 } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ reason: "server-error", retryable: true });
  });
});
