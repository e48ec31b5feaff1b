// The client against the stand-in streaming server: deltas collected, the usage chunk read, a hang mid-stream cut by
// the idle timeout and retried, a dropped or garbled stream retried, a server ignoring `stream` accepted.
import { afterEach, describe, expect, it } from "vitest";
import { startOpenAIServer } from "../fixtures/openai-server.js";
import { LlmClient, LlmError, type LlmClientOptions, type ModelEndpoint, type RetryEvent } from "../../src/llm/index.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const msg = (content: string) => [{ role: "user" as const, content }];

async function setup(server: Parameters<typeof startOpenAIServer>[0], client: Partial<LlmClientOptions> = {}, endpoint: Partial<ModelEndpoint> = {}) {
  const s = await startOpenAIServer({
    answer: () => ({ content: "<answer>\\boxed{C}</answer>", reasoning: "step by step, 财务", usage: { prompt_tokens: 3, completion_tokens: 4 } }),
    ...server,
  });
  cleanup.push(() => s.close());
  const retries: RetryEvent[] = [];
  const c = new LlmClient({ models: { m: { baseUrl: s.baseUrl, ...endpoint } }, backoff: { baseMs: 1, maxMs: 5 }, onRetry: (e) => retries.push(e), ...client });
  cleanup.push(() => c.destroy());
  return { s, c, retries };
}

describe("LlmClient streaming", () => {
  it("streams by default and assembles content, reasoning_content and the usage of the final chunk", async () => {
    const { s, c } = await setup({});
    const r = await c.chat({ model: "m", messages: msg("q") });
    expect(r).toMatchObject({
      content: "<answer>\\boxed{C}</answer>",
      reasoning: "step by step, 财务",
      finishReason: "stop",
      usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      attempts: 1,
    });
    expect(s.stats.completed).toBe(1);
  });

  it("a server that ignores `stream` and answers with one JSON body is accepted", async () => {
    const { c } = await setup({ ignoreStream: true });
    expect(await c.chat({ model: "m", messages: msg("q") })).toMatchObject({ content: "<answer>\\boxed{C}</answer>", reasoning: "step by step, 财务" });
  });

  it("stream: false per endpoint sends stream false and reads one JSON body", async () => {
    let sent: unknown;
    const { c } = await setup({ answer: (b) => ((sent = b.stream), { content: "plain" }) }, {}, { stream: false });
    expect((await c.chat({ model: "m", messages: msg("q") })).content).toBe("plain");
    expect(sent).toBe(false);
  });

  it("a hang mid-stream is cut after idle_s without a byte and retried like a 5xx", async () => {
    const { s, c, retries } = await setup({ faults: { hang: 1 } }, { timeouts: { idleMs: 300 }, maxAttempts: 3 });
    setTimeout(() => s.setFaults({}), 500).unref(); // the first attempt(s) hang, then the server recovers
    const t0 = Date.now();
    const r = await c.chat({ model: "m", messages: msg("q") });
    expect(r.content).toBe("<answer>\\boxed{C}</answer>");
    expect(r.attempts).toBeGreaterThan(1);
    expect(retries[0]).toMatchObject({ reason: "timeout" });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(s.duplicateCompletions()).toBe(0);
  });

  it("total_s bounds an attempt whatever idle_s allows", async () => {
    const { c } = await setup({ faults: { slow: 1 }, slowMs: 5000 }, { timeouts: { idleMs: 60_000, totalMs: 300 }, maxAttempts: 2 });
    const e = await c.chat({ model: "m", messages: msg("q") }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LlmError);
    expect(e).toMatchObject({ reason: "timeout", attempts: 2 });
    expect((e as Error).message).toMatch(/total timeout/);
  });

  it("a stream dropped or garbled mid-way is retried; every call ends with the full answer and nothing is answered twice", async () => {
    const { s, c, retries } = await setup({ faults: { destroy: 0.3, malformed: 0.3 }, seed: 7 }, { maxAttempts: 20 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.chat({ model: "m", messages: msg(`q${i}`) })));
    expect(results.every((r) => r.content === "<answer>\\boxed{C}</answer>")).toBe(true);
    expect(new Set(retries.map((r) => r.reason))).toEqual(new Set(["connection", "malformed-response"]));
    expect(s.stats.completed).toBe(20);
    expect(s.duplicateCompletions()).toBe(0);
  });

  it("an endpoint's timeouts override the client's", async () => {
    const { c } = await setup({ faults: { hang: 1 } }, { timeouts: { idleMs: 60_000 }, maxAttempts: 1 }, { timeouts: { idleMs: 200 } });
    const t0 = Date.now();
    await expect(c.chat({ model: "m", messages: msg("q") })).rejects.toMatchObject({ reason: "timeout" });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
