// Runs work items through a function with a concurrency limit, skipping items whose key is already in the
// journal and recording each success durably. Every item ends `succeeded` or `failed` (with a reason); results
// come back in input order whatever the completion order, so output is deterministic across reruns.
import { setMaxListeners } from "node:events";
import pLimit from "p-limit";
import { abortReason, raceAbort } from "../util/abortable.js";
import { requestKey } from "./canonical.js";
import { LLM_DEFAULTS } from "./defaults.js";
import { isDianjinError } from "../errors.js";
import type { Journal } from "./journal.js";
import type { ChatRequest } from "./types.js";

export type ItemOutcome<R> =
  | { index: number; key: string; status: "succeeded"; value: R; fromJournal: boolean }
  | { index: number; key: string; status: "failed"; reason: string; message: string };

export interface RunProgress {
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  /** Of the succeeded, how many were already in the journal. */
  fromJournal: number;
}

export interface ItemContext {
  index: number;
  key: string;
  /** Aborts when the run is aborted; pass it on (e.g. to LlmClient.chat). */
  signal: AbortSignal;
}

export interface RunJournaledOptions<T, R> {
  journal: Journal<R>;
  /** Identity of an item. Default for ChatRequest items: sha256 of the canonical request. */
  keyOf?: (item: T) => string;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
}

type Settled<R> = { ok: true; value: R } | { ok: false; reason: string; message: string };

export function runJournaled<T extends ChatRequest, R>(
  items: readonly T[],
  fn: (item: T, ctx: ItemContext) => Promise<R>,
  options: RunJournaledOptions<T, R>,
): Promise<ItemOutcome<R>[]>;
export function runJournaled<T, R>(
  items: readonly T[],
  fn: (item: T, ctx: ItemContext) => Promise<R>,
  options: RunJournaledOptions<T, R> & { keyOf: (item: T) => string },
): Promise<ItemOutcome<R>[]>;
export async function runJournaled<T, R>(
  items: readonly T[],
  fn: (item: T, ctx: ItemContext) => Promise<R>,
  options: RunJournaledOptions<T, R>,
): Promise<ItemOutcome<R>[]> {
  const { journal, onProgress } = options;
  const keyOf = options.keyOf ?? ((item: T) => requestKey(item as unknown as ChatRequest));
  // One internal signal for all items (every in-flight item listens to it), linked to the caller's.
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const signal = controller.signal;
  const outer = options.signal;
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener("abort", forward, { once: true });
  const limit = pLimit(options.concurrency ?? LLM_DEFAULTS.runConcurrency);
  const progress: RunProgress = { total: items.length, done: 0, succeeded: 0, failed: 0, fromJournal: 0 };
  // Items with the same key share one call, so identical work is neither sent nor recorded twice.
  const running = new Map<string, Promise<Settled<R>>>();

  const runOne = (item: T, index: number, key: string): Promise<Settled<R>> =>
    limit(async (): Promise<Settled<R>> => {
      if (signal.aborted) return { ok: false, reason: "aborted", message: "run aborted before the item started" };
      try {
        const value = await raceAbort(fn(item, { index, key, signal }), signal);
        try {
          await journal.append(key, value);
        } catch (e) {
          return { ok: false, reason: "journal-write", message: `could not record the result in ${journal.file}: ${messageOf(e)}` };
        }
        return { ok: true, value };
      } catch (e) {
        return signal.aborted && !isDianjinError(e)
          ? { ok: false, reason: "aborted", message: messageOf(abortReason(signal)) }
          : { ok: false, ...describeFailure(e) };
      }
    });

  const outcomes = items.map(async (item, index): Promise<ItemOutcome<R>> => {
    const key = keyOf(item);
    let outcome: ItemOutcome<R>;
    if (journal.has(key) && !running.has(key)) {
      outcome = { index, key, status: "succeeded", value: journal.get(key) as R, fromJournal: true };
      progress.fromJournal++;
    } else {
      let settled = running.get(key);
      if (!settled) {
        settled = runOne(item, index, key);
        running.set(key, settled);
      }
      const s = await settled;
      outcome = s.ok
        ? { index, key, status: "succeeded", value: s.value, fromJournal: false }
        : { index, key, status: "failed", reason: s.reason, message: s.message };
    }
    progress.done++;
    if (outcome.status === "succeeded") progress.succeeded++;
    else progress.failed++;
    onProgress?.({ ...progress });
    return outcome;
  });
  try {
    return await Promise.all(outcomes);
  } finally {
    outer?.removeEventListener("abort", forward);
  }
}

export function describeFailure(e: unknown): { reason: string; message: string } {
  if (isDianjinError(e)) {
    const reason = (e as { reason?: unknown }).reason;
    return { reason: typeof reason === "string" ? reason : e.code, message: e.message };
  }
  return { reason: "error", message: messageOf(e) };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
