import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startOpenAIServer } from "../fixtures/openai-server.js";
import { LlmClient, LlmError, type LlmClientOptions, type RetryEvent } from "../../src/llm/index.js";

const KEY = "sk-test-SECRET-0123456789";
const msg = (content: string) => [{ role: "user" as const, content }];
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(server: Parameters<typeof startOpenAIServer>[0], client: Partial<LlmClientOptions> = {}) {
  const s = await startOpenAIServer(server);
  cleanup.push(() => s.close());
  const c = new LlmClient({ models: { m: { baseUrl: s.baseUrl, servedName: "served-m" } }, backoff: { baseMs: 1, maxMs: 5 }, ...client });
  cleanup.push(() => c.destroy());
  return { s, c };
}

async function failure(p: Promise<unknown>): Promise<LlmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LlmError) return e;
    throw e;
  }
  throw new Error("expected a failure");
}

describe("LlmClient", () => {
  it("sends the served name and sampling params, reads reasoning, counts usage and cost", async () => {
    let seen: Record<string, unknown> = {};
    const s = await startOpenAIServer({
      answer: (b) => {
        seen = b;
        return { content: "<answer>x</answer>", reasoning: "because", reasoningField: "reasoning", usage: { prompt_tokens: 1_000, completion_tokens: 500 } };
      },
    });
    cleanup.push(() => s.close());
    const c = new LlmClient({ models: { m: { baseUrl: `${s.baseUrl}/`, servedName: "served-m", costPer1M: { prompt: 2, completion: 8 } } } });
    cleanup.push(() => c.destroy());
    const r = await c.chat({ model: "m", messages: msg("q"), params: { temperature: 0.6, top_k: 20, max_tokens: 64 } });
    expect(seen).toMatchObject({ model: "served-m", temperature: 0.6, top_k: 20, max_tokens: 64, stream: true, stream_options: { include_usage: true } });
    expect(r).toMatchObject({ model: "m", content: "<answer>x</answer>", reasoning: "because", finishReason: "stop", attempts: 1 });
    await c.chat({ model: "m", messages: msg("q2") });
    expect(c.usage()["m"]).toEqual({ requests: 2, promptTokens: 2_000, completionTokens: 1_000, totalTokens: 3_000, cost: (2_000 * 2 + 1_000 * 8) / 1e6 });
  });

  it("sends the key from the named variable and never reveals it", async () => {
    const s = await startOpenAIServer({ apiKey: KEY, answer: () => ({ content: "ok" }) });
    cleanup.push(() => s.close());
    const ok = new LlmClient({ models: { m: { baseUrl: s.baseUrl, apiKeyEnv: "DJ_TEST_KEY" } }, env: { DJ_TEST_KEY: KEY } });
    cleanup.push(() => ok.destroy());
    expect((await ok.chat({ model: "m", messages: msg("q") })).content).toBe("ok");

    const wrong = new LlmClient({ models: { m: { baseUrl: s.baseUrl, apiKeyEnv: "DJ_TEST_KEY" } }, env: { DJ_TEST_KEY: "sk-wrong-key-value" } });
    cleanup.push(() => wrong.destroy());
    const e = await failure(wrong.chat({ model: "m", messages: msg("q") }));
    expect(e.reason).toBe("auth");
    expect(e.attempts).toBe(1);
    expect(e.message).not.toContain("sk-wrong-key-value");

    let missing: unknown;
    try {
      new LlmClient({ models: { m: { baseUrl: s.baseUrl, apiKeyEnv: "DJ_TEST_KEY" } }, env: {} });
    } catch (err) {
      missing = err;
    }
    expect(missing).toBeInstanceOf(LlmError);
    expect((missing as LlmError).reason).toBe("config");
    expect((missing as LlmError).message).toContain("DJ_TEST_KEY");
  });

  it("redacts the key if a server echoes it back in an error body", async () => {
    const echo = createServer((req, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `bad request with header ${req.headers.authorization}` }));
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise((r) => echo.close(() => r())));
    const c = new LlmClient({ models: { m: { baseUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v1`, apiKeyEnv: "K" } }, env: { K: KEY } });
    cleanup.push(() => c.destroy());
    const e = await failure(c.chat({ model: "m", messages: msg("q") }));
    expect(e.reason).toBe("bad-request");
    expect(e.message).toContain("Bearer ***");
    expect(e.message).not.toContain(KEY);
    expect(JSON.stringify(e)).not.toContain(KEY);
  });

  it("does not retry 400/404 and recognises the context-length 400", async () => {
    const bodies = [
      [400, { object: "error", message: "This model's maximum context length is 16384 tokens. However, you requested 17000 tokens", code: 400 }],
      [404, { object: "error", message: "The model `x` does not exist.", code: 404 }],
    ] as const;
    let i = 0;
    let hits = 0;
    const srv = createServer((_req, res) => {
      hits++;
      const [status, body] = bodies[i]!;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise((r) => srv.close(() => r())));
    const c = new LlmClient({ models: { m: { baseUrl: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1` } }, backoff: { baseMs: 1 } });
    cleanup.push(() => c.destroy());
    expect((await failure(c.chat({ model: "m", messages: msg("q") }))).reason).toBe("context-length");
    i = 1;
    expect((await failure(c.chat({ model: "m", messages: msg("q") }))).reason).toBe("not-found");
    expect(hits).toBe(2);
    expect((await failure(c.chat({ model: "nope", messages: msg("q") }))).reason).toBe("config");
  });

  it("retries 500 / malformed / cut connections and gives up after maxAttempts with the last reason", async () => {
    for (const fault of ["error500", "malformed", "destroy"] as const) {
      const retries: RetryEvent[] = [];
      const { s, c } = await setup({ faults: { [fault]: 1 } }, { maxAttempts: 3, onRetry: (e) => retries.push(e) });
      const e = await failure(c.chat({ model: "m", messages: msg(fault) }));
      const expected = { error500: "server-error", malformed: "malformed-response", destroy: "connection" }[fault];
      expect(e.reason).toBe(expected);
      expect(e.attempts).toBe(3);
      expect(e.message).toContain("gave up after 3 attempts");
      expect(s.stats.requests).toBe(3);
      expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    }
  });

  it("honours Retry-After (capped) on 429, then succeeds", async () => {
    const { s } = await setup({ faults: { rateLimit429: 1 }, retryAfter: "1" });
    const delays: number[] = [];
    const c2 = new LlmClient({ models: { m: { baseUrl: s.baseUrl } }, retryAfterCapMs: 300, maxAttempts: 2, onRetry: (e) => delays.push(e.delayMs) });
    cleanup.push(() => c2.destroy());
    setTimeout(() => s.setFaults({}), 150);
    const t0 = Date.now();
    const r = await c2.chat({ model: "m", messages: msg("q") });
    const took = Date.now() - t0;
    expect(delays).toEqual([300]);
    expect(r.attempts).toBe(2);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1000);
  });

  it("times out a slow attempt, retries it, and bounds the attempts", async () => {
    const { s, c } = await setup({ faults: { slow: 1 }, slowMs: 3000 }, { timeouts: { totalMs: 100 }, maxAttempts: 2 });
    const t0 = Date.now();
    const e = await failure(c.chat({ model: "m", messages: msg("q") }));
    expect(e.reason).toBe("timeout");
    expect(e.attempts).toBe(2);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(s.stats.completed).toBe(0);
  });

  it("abort ends a call within 1 s while a long Retry-After sleep is pending", async () => {
    let sleeping = false;
    const { c } = await setup({ faults: { rateLimit429: 1 }, retryAfter: "30" }, { retryAfterCapMs: 60_000, onRetry: () => (sleeping = true) });
    const ac = new AbortController();
    const p = c.chat({ model: "m", messages: msg("q") }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 200));
    expect(sleeping).toBe(true);
    const t0 = Date.now();
    ac.abort();
    const e = await failure(p);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(e.reason).toBe("aborted");
  });

  it("abort ends an in-flight request at once", async () => {
    const { c } = await setup({ faults: { slow: 1 }, slowMs: 5000 });
    const ac = new AbortController();
    const p = c.chat({ model: "m", messages: msg("q") }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const e = await failure(p);
    expect(e.reason).toBe("aborted");
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    const { s, c } = await setup({ latencyMs: 20 }, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.chat({ model: "m", messages: msg(`q${i}`) })));
    expect(s.stats.maxInFlight).toBe(3);
    expect(s.stats.completed).toBe(12);
  });

  it("reports a refused connection as a retryable connection error", async () => {
    const s = await startOpenAIServer();
    const url = s.baseUrl;
    await s.close();
    const c = new LlmClient({ models: { m: { baseUrl: url } }, maxAttempts: 2, backoff: { baseMs: 1 } });
    cleanup.push(() => c.destroy());
    const e = await failure(c.chat({ model: "m", messages: msg("q") }));
    expect(e.reason).toBe("connection");
    expect(e.attempts).toBe(2);
  });
});
