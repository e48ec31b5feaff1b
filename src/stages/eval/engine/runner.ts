// Runs one benchmark's items against an OpenAI-compatible endpoint: requests spread over the replicas with every
// sampling parameter explicit, each answer journaled as it arrives (a rerun sends only what is missing), then
// scored and written to results/<benchmark>.jsonl in input order. An endpoint that goes away stops the run at
// once with a StageError naming the cause; what was answered stays in the journal.
import { InterruptedError, StageError } from "../../../errors.js";
import {
  Journal,
  LlmError,
  requestKey,
  runJournaled,
  type ChatMessage,
  type ChatResult,
  type ItemOutcome,
  type SamplingParams,
  type WaitBoard,
} from "../../../llm/index.js";
import { EVAL_DEFAULTS, type FileBenchmark } from "./defaults.js";
import { endpointFailure, isFatalForRun } from "./failures.js";
import type { EvalItem } from "./items.js";
import { summarize, writeJsonlAtomic, type BenchmarkSummary, type ItemResult, type JournalEntry, type SampleResult } from "./results.js";
import { scoreSample, type ScoreOptions } from "./score.js";
import { createEndpointClient, type EvalEndpoint } from "./endpoint-client.js";
import { judgeFinqa, type JudgeOptions } from "./judge.js";

export interface BenchmarkProgress {
  benchmark: FileBenchmark;
  done: number;
  total: number;
  fromJournal: number;
  etaSeconds?: number;
  tokensPerSecond: number;
  /** Accuracy so far over finished items, 0-1. */
  accuracy: number;
}

export interface RunBenchmarkOptions {
  endpoint: EvalEndpoint;
  /** What identifies the model in journal keys (e.g. the deploy stage's key): another model never reuses answers. */
  modelIdentity: string;
  /** Sent verbatim on every request; fill every field (see resolveSampling). */
  sampling: SamplingParams;
  concurrency: number;
  maxAttempts?: number;
  journalFile: string;
  resultsFile: string;
  score?: ScoreOptions;
  /** FinQA only: an LLM judge decides correctness. */
  judge?: JudgeOptions;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  onProgress?: (p: BenchmarkProgress) => void;
  /** Test hook: the client's backoff base (ms). */
  backoffBaseMs?: number;
  /** Counts requests in flight and retries, for the heartbeat. */
  board?: WaitBoard;
}

export interface BenchmarkRun {
  summary: BenchmarkSummary;
  results: ItemResult[];
  /** Requests actually sent this time (items not found in the journal). */
  sent: number;
}

/** The request the journal keys are computed from: the model identity stands in for the replica that served it. */
export function journalRequest(
  item: EvalItem,
  modelIdentity: string,
  sampling: SamplingParams,
): { model: string; messages: ChatMessage[]; params: SamplingParams } {
  return { model: modelIdentity, messages: item.messages, params: sampling };
}

export async function runBenchmark(benchmark: FileBenchmark, items: readonly EvalItem[], options: RunBenchmarkOptions): Promise<BenchmarkRun> {
  const journal = await Journal.open<JournalEntry>(options.journalFile);
  const board = options.board;
  const { client, pool } = createEndpointClient(options.endpoint, { ...options, onRetry: (e) => board?.retry(benchmark, e.reason) });
  const controller = new AbortController();
  const forward = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  options.signal?.addEventListener("abort", forward, { once: true });
  // Keys are computed once per item (sha256 of the canonical request is the costliest step per item here).
  const keys = new Map(items.map((item) => [item, requestKey(journalRequest(item, options.modelIdentity, options.sampling))]));
  const keyOf = (item: EvalItem) => keys.get(item)!;
  /** Scored results by item index, so nothing is scored twice. */
  const scoredResults: Array<ItemResult | undefined> = new Array(items.length);
  const where = options.endpoint.baseUrls.join(", ");
  let fatal: LlmError | undefined;

  // Running accuracy includes items answered in an earlier run, so the number shown is the benchmark's so far.
  let scoreSum = 0;
  let scored = 0;
  items.forEach((item, i) => {
    const entry = journal.get(keyOf(item));
    if (entry) {
      scoredResults[i] = scoreItem(item, entry, options.score);
      scoreSum += scoredResults[i]!.score;
      scored++;
    }
  });
  const started = Date.now();
  let freshDone = 0;
  let freshTokens = 0;
  let lastEmit = 0;
  const emit = (done: number, fromJournal: number, force = false) => {
    if (!options.onProgress || (!force && Date.now() - lastEmit < EVAL_DEFAULTS.progressIntervalMs)) return;
    lastEmit = Date.now();
    const seconds = (Date.now() - started) / 1000;
    const rate = freshDone / Math.max(seconds, 1e-3);
    const left = items.length - done;
    options.onProgress({
      benchmark,
      done,
      total: items.length,
      fromJournal,
      ...(freshDone > 0 ? { etaSeconds: left / rate } : {}),
      tokensPerSecond: seconds > 0 ? freshTokens / seconds : 0,
      accuracy: scored ? scoreSum / scored : 0,
    });
  };

  const ask = async (item: EvalItem, index: number, signal: AbortSignal): Promise<JournalEntry> => {
    const end = board?.begin(benchmark);
    try {
      const result = await pool.use((replica) => client.chat({ model: replica, messages: item.messages, params: options.sampling }, { signal }));
      const entry = toEntry(result);
      freshDone++;
      freshTokens += entry.usage.completionTokens;
      scoredResults[index] = scoreItem(item, entry, options.score);
      scoreSum += scoredResults[index]!.score;
      scored++;
      return entry;
    } catch (e) {
      if (e instanceof LlmError && !isFatalForRun(e.reason) && e.reason !== "aborted") {
        // The server refused this item alone (400, context length): recorded, scored wrong, not re-sent.
        scored++;
        return { choices: [], usage: { promptTokens: 0, completionTokens: 0 }, error: { reason: e.reason, message: e.message } };
      }
      if (e instanceof LlmError && isFatalForRun(e.reason) && !fatal) {
        fatal = e;
        controller.abort(e);
      }
      throw e;
    } finally {
      end?.();
    }
  };

  let outcomes: ItemOutcome<JournalEntry>[];
  try {
    emit(scored, scored, true);
    outcomes = await runJournaled(items, (item, ctx) => ask(item, ctx.index, ctx.signal), {
      journal,
      keyOf,
      // Twice the HTTP limit: an answered item waiting for its journal fsync must not hold a request slot
      // (the client's own limit keeps requests in flight at `concurrency`).
      concurrency: options.concurrency * 2,
      signal: controller.signal,
      onProgress: (p) => {
        board?.progress(benchmark, p.done, p.total);
        emit(p.done, p.fromJournal, p.done === p.total);
      },
    });
  } finally {
    options.signal?.removeEventListener("abort", forward);
    await journal.close();
    await client.destroy();
  }

  if (fatal) {
    const done = outcomes.filter((o) => o.status === "succeeded").length;
    throw new StageError("eval", endpointFailure(fatal, where, { benchmark, done, total: items.length }), {});
  }
  if (options.signal?.aborted) throw new InterruptedError("eval");
  const failed = outcomes.find((o): o is Extract<ItemOutcome<JournalEntry>, { status: "failed" }> => o.status === "failed");
  if (failed) {
    throw new StageError(
      "eval",
      {
        id: "eval-item-failed",
        summary: `${benchmark} item ${items[failed.index]!.id}: ${failed.message}`,
        hint: "the other answers are kept in the journal; rerun to retry",
      },
      {},
    );
  }

  let results = outcomes.map((o, i) => scoredResults[i] ?? scoreItem(items[i]!, (o as Extract<typeof o, { status: "succeeded" }>).value, options.score));
  let method: "judge" | "numeric" | undefined = benchmark === "finqa" ? "numeric" : undefined;
  if (benchmark === "finqa" && options.judge) {
    results = await judgeFinqa(items, results, { ...options.judge, signal: options.signal, env: options.env });
    method = "judge";
  }
  await writeJsonlAtomic(options.resultsFile, results);
  const sent = outcomes.filter((o) => o.status === "succeeded" && !o.fromJournal).length;
  return { summary: summarize(benchmark, results, method), results, sent };
}

function toEntry(result: ChatResult): JournalEntry {
  return {
    choices: result.choices.map((c) => ({ content: c.content, reasoning: c.reasoning, finishReason: c.finishReason })),
    usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens },
  };
}

export function scoreItem(item: EvalItem, entry: JournalEntry, options: ScoreOptions = {}): ItemResult {
  const samples: SampleResult[] = entry.choices.map((c) => ({
    output: c.content,
    reasoning: c.reasoning,
    finishReason: c.finishReason,
    ...scoreSample(item.benchmark, c.content, item.gold, options, c.reasoning, item.question),
  }));
  const score = samples.length ? samples.filter((s) => s.correct).length / samples.length : 0;
  return { id: item.id, gold: item.gold, score, samples, usage: entry.usage, ...(entry.error ? { error: entry.error } : {}) };
}
