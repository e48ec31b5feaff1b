// One place where the recipe talks to models: each step's requests go through runJournaled with that step's own
// journal file, so a rerun never re-sends a finished request. A request that fails the same way every time
// (400, context too long) is journaled as an outcome too; transport failures (retries exhausted) are not, and are
// sent again next time.
import { join } from "node:path";
import { Journal, runJournaled, isLlmError, type ChatRequest, type LlmClient, type RunProgress, type WaitBoard } from "../../../llm/index.js";
import { RECIPE_DEFAULTS } from "./defaults.js";

export const RECIPE_STEPS = ["check", "convert", "distill", "judge", "merge"] as const;
export type RecipeStep = (typeof RECIPE_STEPS)[number];

export interface LlmReply {
  content: string | null;
  reasoning: string | null;
  finish: string | null;
}

/** What is journaled per request. */
export type CallValue = { ok: true; reply: LlmReply } | { ok: false; reason: string; message: string };

export interface StepCall<T> {
  item: T;
  request: ChatRequest;
}

export interface StepResult<T> {
  item: T;
  /** The reply or the permanent failure; undefined when the request could not be completed this run. */
  value?: CallValue;
  /** Why the request could not be completed this run (retries exhausted, aborted, auth, ...). */
  failure?: { reason: string; message: string };
}

export interface RecipeLlmOptions {
  client: LlmClient;
  journalDir: string;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (step: RecipeStep, progress: RunProgress) => void;
  /** Counts requests in flight per step, for the heartbeat. */
  board?: WaitBoard;
}

export class RecipeLlm {
  private readonly journals = new Map<RecipeStep, Journal<CallValue>>();
  /** Requests actually sent (not answered from a journal) per step, this run. */
  readonly sent: Record<RecipeStep, number> = { check: 0, convert: 0, distill: 0, judge: 0, merge: 0 };

  constructor(private readonly options: RecipeLlmOptions) {}

  journalFile(step: RecipeStep): string {
    return join(this.options.journalDir, `${step}.jsonl`);
  }

  async run<T>(step: RecipeStep, calls: readonly StepCall<T>[]): Promise<StepResult<T>[]> {
    if (calls.length === 0) return [];
    const journal = await this.journal(step);
    const { client, signal } = this.options;
    const outcomes = await runJournaled(
      calls.map((c) => c.request),
      async (request, ctx): Promise<CallValue> => {
        this.sent[step]++;
        const end = this.options.board?.begin(step);
        try {
          const r = await client.chat(request, { signal: ctx.signal });
          return { ok: true, reply: { content: r.content, reasoning: r.reasoning, finish: r.finishReason } };
        } catch (e) {
          if (isLlmError(e) && RECIPE_DEFAULTS.permanentReasons.includes(e.reason)) return { ok: false, reason: e.reason, message: e.message };
          throw e;
        } finally {
          end?.();
        }
      },
      {
        journal,
        concurrency: this.options.concurrency,
        signal,
        onProgress: (p) => {
          this.options.board?.progress(step, p.done, p.total);
          this.options.onProgress?.(step, p);
        },
      },
    );
    return outcomes.map((o, i) =>
      o.status === "succeeded" ? { item: calls[i]!.item, value: o.value } : { item: calls[i]!.item, failure: { reason: o.reason, message: o.message } },
    );
  }

  async close(): Promise<void> {
    for (const j of this.journals.values()) await j.close();
    this.journals.clear();
  }

  private async journal(step: RecipeStep): Promise<Journal<CallValue>> {
    let j = this.journals.get(step);
    if (!j) {
      j = await Journal.open<CallValue>(this.journalFile(step));
      this.journals.set(step, j);
    }
    return j;
  }
}
