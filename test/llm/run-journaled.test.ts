import { afterEach, describe, expect, it } from "vitest";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenAIServer } from "../fixtures/openai-server.js";
import { Journal, LlmClient, runJournaled, requestKey, type ChatRequest, type ChatResult, type RunProgress } from "../../src/llm/index.js";

const KEY = "sk-live-DO-NOT-LEAK-42";
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const tmp = () => mkdtemp(join(tmpdir(), "runj-test-"));
const requests = (n: number): ChatRequest[] =>
  Array.from({ length: n }, (_, i) => ({ model: "m", messages: [{ role: "user", content: `question ${i}` }], params: { temperature: 0, max_tokens: 32 } }));

describe("runJournaled", () => {
  it("with 20% injected faults: every item ends succeeded or failed-with-reason, no completed request is sent twice, retries are bounded, and the key never leaks", async () => {
    const s = await startOpenAIServer({
      seed: 7,
      faults: { error500: 0.05, rateLimit429: 0.05, slow: 0.03, malformed: 0.04, destroy: 0.03 },
      retryAfter: "0",
      // Only injected slow answers may hit the attempt timeout: a normal answer that merely arrives late on a
      // loaded machine would be completed by the server and then legitimately sent again.
      slowMs: 4000,
      apiKey: KEY,
    });
    cleanup.push(() => s.close());
    const maxAttempts = 3;
    const client = new LlmClient({
      models: { m: { baseUrl: s.baseUrl, apiKeyEnv: "DJ_KEY" } },
      env: { DJ_KEY: KEY },
      maxAttempts,
      timeouts: { totalMs: 1500 },
      backoff: { baseMs: 1, maxMs: 10 },
      concurrency: 16,
    });
    cleanup.push(() => client.destroy());
    const dir = await tmp();
    const journal = await Journal.open<ChatResult>(join(dir, "j.jsonl"));
    const items = requests(200);
    const progress: RunProgress[] = [];
    const out = await runJournaled(items, (req, ctx) => client.chat(req, { signal: ctx.signal }), {
      journal,
      concurrency: 16,
      onProgress: (p) => progress.push(p),
    });
    await journal.close();

    expect(out).toHaveLength(200);
    expect(out.map((o) => o.index)).toEqual(items.map((_, i) => i));
    const failed = out.filter((o) => o.status === "failed");
    for (const f of failed) {
      if (f.status !== "failed") continue;
      expect(["server-error", "rate-limited", "timeout", "malformed-response", "connection"]).toContain(f.reason);
      expect(f.message).toMatch(/gave up after 3 attempts/);
      expect(f.message).not.toContain(KEY);
    }
    expect(out.filter((o) => o.status === "succeeded").length + failed.length).toBe(200);
    expect(s.stats.faults.error500 + s.stats.faults.rateLimit429 + s.stats.faults.malformed + s.stats.faults.destroy + s.stats.faults.slow).toBeGreaterThan(20);
    expect(s.duplicateCompletions()).toBe(0);
    for (const n of s.stats.receivedByHash.values()) expect(n).toBeLessThanOrEqual(maxAttempts);
    expect(s.stats.requests).toBeLessThanOrEqual(200 * maxAttempts);
    expect(progress.at(-1)).toMatchObject({ total: 200, done: 200 });

    const text = await readFile(join(dir, "j.jsonl"), "utf8");
    expect(text).not.toContain(KEY);
    const keys = text
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { key: string }).key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(200 - failed.length);

    // Second run: finished items come from the journal, only the failed ones are sent again.
    const before = s.stats.completed;
    s.setFaults({});
    const j2 = await Journal.open<ChatResult>(join(dir, "j.jsonl"));
    const out2 = await runJournaled(items, (req, ctx) => client.chat(req, { signal: ctx.signal }), { journal: j2 });
    await j2.close();
    expect(out2.every((o) => o.status === "succeeded")).toBe(true);
    expect(out2.filter((o) => o.status === "succeeded" && o.fromJournal).length).toBe(200 - failed.length);
    expect(s.stats.completed - before).toBe(failed.length);
    expect(s.duplicateCompletions()).toBe(0);
  });

  it("returns results in input order whatever the completion order, and runs identical items once", async () => {
    const journal = await Journal.open<string>(join(await tmp(), "j.jsonl"));
    const items = [30, 5, 20, 5, 1];
    let calls = 0;
    const out = await runJournaled(
      items,
      async (ms) => {
        calls++;
        await new Promise((r) => setTimeout(r, ms));
        return `done ${ms}`;
      },
      { journal, keyOf: String, concurrency: 5 },
    );
    expect(out.map((o) => (o.status === "succeeded" ? o.value : o.reason))).toEqual(["done 30", "done 5", "done 20", "done 5", "done 1"]);
    expect(calls).toBe(4);
    expect(journal.size).toBe(4);
    await journal.close();
  });

  it("uses the canonical request hash as the default key", async () => {
    const journal = await Journal.open<number>(join(await tmp(), "j.jsonl"));
    const items = requests(2);
    const out = await runJournaled(items, async () => 1, { journal });
    expect(out.map((o) => o.key)).toEqual(items.map(requestKey));
    await journal.close();
  });

  it("abort mid-run settles every item within 1 s, even with Retry-After sleeps pending", async () => {
    const s = await startOpenAIServer({ faults: { rateLimit429: 0.5 }, retryAfter: "30", latencyMs: 20, seed: 3 });
    cleanup.push(() => s.close());
    const client = new LlmClient({ models: { m: { baseUrl: s.baseUrl } }, concurrency: 4, retryAfterCapMs: 60_000 });
    cleanup.push(() => client.destroy());
    const journal = await Journal.open<ChatResult>(join(await tmp(), "j.jsonl"));
    const ac = new AbortController();
    const run = runJournaled(requests(50), (req, ctx) => client.chat(req, { signal: ctx.signal }), { journal, concurrency: 8, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    ac.abort();
    const out = await run;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(out.some((o) => o.status === "failed" && o.reason === "aborted")).toBe(true);
    for (const o of out) if (o.status === "failed") expect(o.reason).toBe("aborted");
    expect(journal.size).toBe(out.filter((o) => o.status === "succeeded").length);
    await journal.close();
  });
});
