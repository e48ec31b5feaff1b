import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startOpenAIServer, type ChatBody, type StandInServer } from "../../../fixtures/openai-server.js";
import { readBenchmark } from "../../../../src/stages/eval/engine/read-benchmark.js";
import { runBenchmark, type BenchmarkProgress, type RunBenchmarkOptions } from "../../../../src/stages/eval/engine/runner.js";
import { StageError } from "../../../../src/errors.js";
import type { EvalItem } from "../../../../src/stages/eval/engine/items.js";
import { tempDir } from "../../../helpers/tmp.js";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/eval/", import.meta.url));
const SAMPLING = { temperature: 0.6, top_p: 0.95, max_tokens: 512, n: 1, seed: 7 };

/** Answers CFLUE questions right when they mention 货币市场 or 基金费用, else with "D". */
const cflueAnswer = (body: ChatBody) => {
  const q = body.messages.at(-1)!.content;
  const box = q.includes("货币市场") ? "A" : q.includes("基金费用") ? "A, C" : "D";
  return { content: `<think>reading the options</think><answer>\\boxed{${box}}</answer>`, usage: { prompt_tokens: 50, completion_tokens: 10 } };
};

function options(dir: string, servers: StandInServer[], extra: Partial<RunBenchmarkOptions> = {}): RunBenchmarkOptions {
  return {
    endpoint: { baseUrls: servers.map((s) => s.baseUrl), model: "dj" },
    modelIdentity: "deploy:test",
    sampling: SAMPLING,
    concurrency: 4,
    maxAttempts: 2,
    backoffBaseMs: 5,
    journalFile: join(dir, "journal", "b.jsonl"),
    resultsFile: join(dir, "results", "b.jsonl"),
    ...extra,
  };
}

function manyItems(n: number): EvalItem[] {
  return Array.from({ length: n }, (_, i) => ({
    benchmark: "cflue" as const,
    id: `q${i}`,
    messages: [{ role: "user" as const, content: `question ${i}` }],
    gold: "A",
  }));
}

describe("runBenchmark", () => {
  it("sends every sampling parameter, spreads over replicas, scores and writes results; a rerun sends nothing", async () => {
    const bodies: ChatBody[] = [];
    const answer = (b: ChatBody) => (bodies.push(b), cflueAnswer(b));
    const servers = [await startOpenAIServer({ answer, latencyMs: 20 }), await startOpenAIServer({ answer, latencyMs: 20 })];
    try {
      const dir = await tempDir();
      const items = await readBenchmark("cflue", join(FIXTURES, "cflue.json"));
      const progress: BenchmarkProgress[] = [];
      const run = await runBenchmark("cflue", items, options(dir, servers, { onProgress: (p) => progress.push(p) }));
      expect(run.sent).toBe(4);
      for (const b of bodies) expect(b).toMatchObject({ ...SAMPLING, model: "dj", stream: true, stream_options: { include_usage: true } });
      expect(servers.map((s) => s.stats.completed)).toEqual([2, 2]);
      // golds A, B, AC, B; answers A, D, AC, D
      expect(run.results.map((r) => [r.id, r.samples[0]!.answer, r.score])).toEqual([
        ["#0", "A", 1],
        ["#1", "D", 0],
        ["#2", "AC", 1],
        ["#3", "D", 0],
      ]);
      expect(run.summary).toMatchObject({ benchmark: "cflue", items: 4, percent: 50, formatPercent: 100, truncated: 0, completionTokens: 40 });
      const lines = (await readFile(join(dir, "results", "b.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines[0]).toMatchObject({
        id: "#0",
        gold: "A",
        score: 1,
        samples: [{ output: expect.stringContaining("\\boxed{A}"), reasoning: null, answer: "A", correct: true, formatOk: true, finishReason: "stop" }],
      });
      expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, accuracy: 0.5 });

      const again = await runBenchmark("cflue", items, options(dir, servers));
      expect(again.sent).toBe(0);
      expect(servers.reduce((n, s) => n + s.stats.requests, 0)).toBe(4);
      expect(again.results).toEqual(run.results);
      // Another model never reuses these answers.
      const other = await runBenchmark("cflue", items, options(dir, servers, { modelIdentity: "deploy:other" }));
      expect(other.sent).toBe(4);
    } finally {
      for (const s of servers) await s.close();
    }
  });

  it("a server that dies mid-run stops the run with endpoint-unreachable; answers are kept and a rerun sends only the rest", async () => {
    const dir = await tempDir();
    const items = manyItems(40);
    let answered = 0;
    const first: StandInServer = await startOpenAIServer({
      latencyMs: 15,
      answer: (b) => {
        if (++answered === 12) setTimeout(() => void first!.close(), 0);
        return cflueAnswer(b);
      },
    });
    const error = await runBenchmark("cflue", items, options(dir, [first])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    const failure = (error as StageError).failure;
    expect(failure.id).toBe("endpoint-unreachable");
    expect(failure.summary).toContain(first.baseUrl);
    expect(failure.summary).toMatch(/\d+ of 40 cflue items are finished and kept in the journal/);
    const journaled = (await readFile(join(dir, "journal", "b.jsonl"), "utf8")).trim().split("\n").length;
    expect(journaled).toBeGreaterThanOrEqual(8);
    expect(journaled).toBeLessThan(40);

    const second = await startOpenAIServer({ answer: cflueAnswer });
    try {
      const run = await runBenchmark("cflue", items, options(dir, [second]));
      expect(run.sent).toBe(40 - journaled);
      expect(second.stats.requests).toBe(40 - journaled);
      expect(run.results).toHaveLength(40);
    } finally {
      await second.close();
    }
  });

  it("FinQA with a judge: the judge's last box decides, the numeric verdict is kept alongside", async () => {
    const model = await startOpenAIServer({ answer: () => ({ content: "<think>t</think><answer>\\boxed{42}</answer>" }) });
    const judgeBodies: ChatBody[] = [];
    const judge = await startOpenAIServer({
      answer: (b) => {
        judgeBodies.push(b);
        return { content: /Reference answer: (42|0\.09364)\n/.test(b.messages[0]!.content) ? "Same value. \\boxed{{1}}" : "Different. \\boxed{0}" };
      },
    });
    try {
      const dir = await tempDir();
      const items = await readBenchmark("finqa", join(FIXTURES, "finqa.json"));
      const run = await runBenchmark(
        "finqa",
        items,
        options(dir, [model], {
          judge: { endpoint: { baseUrls: [judge.baseUrl], model: "judge" }, concurrency: 2, journalFile: join(dir, "journal", "judge.jsonl") },
        }),
      );
      expect(run.summary.method).toBe("judge");
      expect(run.results.map((r) => r.samples[0]!.judge)).toEqual([
        { verdict: 1, form: "double", output: "Same value. \\boxed{{1}}", numericCorrect: true },
        { verdict: 1, form: "double", output: "Same value. \\boxed{{1}}", numericCorrect: false },
        { verdict: 0, form: "single", output: "Different. \\boxed{0}", numericCorrect: false },
      ]);
      expect(run.summary.percent).toBe(66.67);
      expect(judgeBodies[0]).toMatchObject({ temperature: 0, model: "judge" });
      expect(judgeBodies[0]!.messages[0]!.content).toContain("Model's final answer: 42");
    } finally {
      await model.close();
      await judge.close();
    }
  });

  it("a request refused for its own sake (context length) is recorded as refused and not re-sent; n > 1 is scored as the mean", async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c));
      req.on("end", () => {
        requests++;
        const body = JSON.parse(raw) as ChatBody & { n: number };
        res.setHeader("content-type", "application/json");
        if (body.messages[0]!.content.includes("long")) {
          res.statusCode = 400;
          res.end(
            JSON.stringify({
              object: "error",
              message: "This model's maximum context length is 2048 tokens. However, you requested 9000 tokens",
              type: "BadRequestError",
              code: 400,
            }),
          );
          return;
        }
        const choices = Array.from({ length: body.n }, (_, i) => ({
          index: i,
          message: { role: "assistant", content: `<think>t</think><answer>\\boxed{${i === 0 ? "A" : "B"}}</answer>` },
          finish_reason: i === 0 ? "stop" : "length",
        }));
        res.end(JSON.stringify({ choices, usage: { prompt_tokens: 5, completion_tokens: 7 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      const dir = await tempDir();
      const items = [...manyItems(2), { ...manyItems(1)[0]!, id: "too-long", messages: [{ role: "user" as const, content: "a long one" }] }];
      const opts = options(dir, [{ baseUrl } as StandInServer], { sampling: { ...SAMPLING, n: 2 } });
      const run = await runBenchmark("cflue", items, opts);
      expect(run.results.map((r) => r.score)).toEqual([0.5, 0.5, 0]);
      expect(run.results[2]!.error).toMatchObject({ reason: "context-length" });
      expect(run.results[0]!.samples.map((x) => [x.answer, x.finishReason])).toEqual([
        ["A", "stop"],
        ["B", "length"],
      ]);
      expect(run.summary).toMatchObject({ percent: 33.33, refused: 1, truncated: 2 });
      expect(requests).toBe(3);
      await runBenchmark("cflue", items, opts);
      expect(requests).toBe(3);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("sends the key named by api_key_env; a refused key stops the run with endpoint-auth and never shows the key", async () => {
    const server = await startOpenAIServer({ apiKey: "sk-right-key-123", answer: cflueAnswer });
    try {
      const dir = await tempDir();
      const items = manyItems(3);
      const endpoint = { baseUrls: [server.baseUrl], model: "dj", apiKeyEnv: "EVAL_TEST_KEY" };
      const ok = await runBenchmark("cflue", items, options(dir, [server], { endpoint, env: { EVAL_TEST_KEY: "sk-right-key-123" } }));
      expect(ok.sent).toBe(3);
      const error = (await runBenchmark(
        "cflue",
        manyItems(5),
        options(await tempDir(), [server], { endpoint, env: { EVAL_TEST_KEY: "sk-wrong-key-456" } }),
      ).catch((e: unknown) => e)) as StageError;
      expect(error).toBeInstanceOf(StageError);
      expect(error.failure.id).toBe("endpoint-auth");
      expect(error.message).not.toContain("sk-wrong-key-456");
    } finally {
      await server.close();
    }
  });
});
