// One place where the recipe talks to models. Every request goes through its step's own journal, so a rerun never
// re-sends a finished request; a request that fails the same way every time (400, context too long) is journaled as
// an outcome too; transport failures (retries exhausted) are not, and are sent again next time.
// Requests are made one at a time by the items as they move through their steps (no step waits for another item),
// bounded per endpoint (base URL) to `concurrency` in flight, the earliest item first when a slot frees.
import { join } from "node:path";
import {
  Journal,
  describeFailure,
  isLlmError,
  requestKey,
  type ChatRequest,
  type LlmClient,
  type RunProgress,
  type WaitBoard,
  type WaitTarget,
} from "../../../llm/index.js";
import { raceAbort } from "../../../util/abortable.js";
import { RECIPE_DEFAULTS } from "./defaults.js";
import { PriorityLimit } from "./priority-limit.js";

export const RECIPE_STEPS = ["check", "convert", "distill", "judge", "merge"] as const;
export type RecipeStep = (typeof RECIPE_STEPS)[number];

export interface LlmReply {
  content: string | null;
  reasoning: string | null;
  finish: string | null;
}

/** What is journaled per request. */
export type CallValue = { ok: true; reply: LlmReply } | { ok: false; reason: string; message: string };

/** The reply or the permanent failure (`value`), or why the request could not be completed this run (`failure`). */
export type CallResult = { value: CallValue; failure?: undefined } | { value?: undefined; failure: { reason: string; message: string } };

export interface RecipeLlmOptions {
  client: LlmClient;
  journalDir: string;
  /** Requests in flight per endpoint. */
  concurrency: number;
  /** Logical model name → where its requests go (the limit is per `endpoint`; the heartbeat names both). */
  targets: Record<string, WaitTarget>;
  signal?: AbortSignal;
  onProgress?: (step: RecipeStep, progress: RunProgress) => void;
  /** What is outstanding per step, for the heartbeat. */
  board?: WaitBoard;
}

export class RecipeLlm {
  private readonly journals = new Map<RecipeStep, Promise<Journal<CallValue>>>();
  private readonly limits = new Map<string, PriorityLimit>();
  /** Requests being sent, by step and key: identical requests of two items share one call. */
  private readonly running = new Map<string, Promise<CallResult>>();
  private readonly progress = new Map<RecipeStep, RunProgress>();
  /** Requests actually sent (not answered from a journal) per step, this run. */
  readonly sent: Record<RecipeStep, number> = { check: 0, convert: 0, distill: 0, judge: 0, merge: 0 };

  constructor(private readonly options: RecipeLlmOptions) {}

  journalFile(step: RecipeStep): string {
    return join(this.options.journalDir, `${step}.jsonl`);
  }

  /** One request of the item at `order` (lower goes first when the endpoint is busy). */
  async call(step: RecipeStep, request: ChatRequest, order: number): Promise<CallResult> {
    const p = this.progressOf(step);
    p.total++;
    const journal = await this.journal(step);
    const key = requestKey(request);
    const id = `${step}\u0000${key}`;
    let result: CallResult;
    if (journal.has(key) && !this.running.has(id)) {
      result = { value: journal.get(key)! };
      p.fromJournal++;
    } else {
      let shared = this.running.get(id);
      if (!shared) {
        shared = this.send(step, request, key, journal, order).finally(() => this.running.delete(id));
        this.running.set(id, shared);
      }
      result = await shared;
    }
    p.done++;
    if (result.failure) p.failed++;
    else p.succeeded++;
    this.options.board?.progress(step, p.done, p.total);
    this.options.onProgress?.(step, { ...p });
    return result;
  }

  async close(): Promise<void> {
    for (const j of this.journals.values()) await (await j.catch(() => undefined))?.close();
    this.journals.clear();
  }

  private send(step: RecipeStep, request: ChatRequest, key: string, journal: Journal<CallValue>, order: number): Promise<CallResult> {
    const { client, signal, board } = this.options;
    const target = this.options.targets[request.model];
    return this.limitFor(target?.endpoint ?? request.model).run(order, async (): Promise<CallResult> => {
      if (signal?.aborted) return { failure: { reason: "aborted", message: "run aborted before the request started" } };
      this.sent[step]++;
      const waiting = board?.begin(step, target);
      let value: CallValue;
      try {
        const r = await raceAbort(client.chat(request, { signal, watch: waiting }), signal);
        value = { ok: true, reply: { content: r.content, reasoning: r.reasoning, finish: r.finishReason } };
      } catch (e) {
        if (signal?.aborted) return { failure: { reason: "aborted", message: "run aborted" } };
        if (!(isLlmError(e) && RECIPE_DEFAULTS.permanentReasons.includes(e.reason))) return { failure: describeFailure(e) };
        value = { ok: false, reason: e.reason, message: e.message };
      } finally {
        waiting?.();
      }
      try {
        await journal.append(key, value);
      } catch (e) {
        return { failure: { reason: "journal-write", message: `could not record the result in ${journal.file}: ${(e as Error).message}` } };
      }
      return { value };
    });
  }

  private limitFor(endpoint: string): PriorityLimit {
    let limit = this.limits.get(endpoint);
    if (!limit) {
      limit = new PriorityLimit(this.options.concurrency);
      this.limits.set(endpoint, limit);
    }
    return limit;
  }

  private progressOf(step: RecipeStep): RunProgress {
    let p = this.progress.get(step);
    if (!p) {
      p = { total: 0, done: 0, succeeded: 0, failed: 0, fromJournal: 0 };
      this.progress.set(step, p);
    }
    return p;
  }

  private journal(step: RecipeStep): Promise<Journal<CallValue>> {
    let j = this.journals.get(step);
    if (!j) {
      j = Journal.open<CallValue>(this.journalFile(step));
      this.journals.set(step, j);
    }
    return j;
  }
}
