// What is kept per item (journal value and results line) and how a benchmark's score is computed from it.
import type { SampleScore } from "./score.js";

/** What the journal records for one request: the raw answer(s) as the server sent them. */
export interface JournalEntry {
  choices: Array<{ content: string | null; reasoning: string | null; finishReason: string | null }>;
  usage: { promptTokens: number; completionTokens: number };
  /** A request the server refused for this item alone (400, context length): recorded so it is not re-sent; scored wrong. */
  error?: { reason: string; message: string };
}

export interface SampleResult extends SampleScore {
  /** The raw output (message.content). */
  output: string | null;
  /** message.reasoning / reasoning_content when the server split it off (a reasoning parser); else null. */
  reasoning: string | null;
  finishReason: string | null;
  /** FinQA with a judge: the judge's verdict (1/0/null), which spelling it used, and its reply. */
  judge?: { verdict: 0 | 1 | null; form: "single" | "double" | null; output: string | null; numericCorrect: boolean };
}

/** One line of results/<benchmark>.jsonl. */
export interface ItemResult {
  id: string;
  gold: string | number;
  /** Mean correctness over the samples (0 or 1 when n = 1). */
  score: number;
  samples: SampleResult[];
  usage: { promptTokens: number; completionTokens: number };
  error?: { reason: string; message: string };
}

export interface BenchmarkSummary {
  benchmark: string;
  items: number;
  /** Accuracy in percent (0-100), as in the paper's table. */
  percent: number;
  /** Share of samples with the trained layout, percent. */
  formatPercent: number;
  /** Samples cut by max_tokens (finish_reason "length"). */
  truncated: number;
  /** Items the server refused (400 / context length), scored wrong. */
  refused: number;
  /** Samples with no readable answer. */
  unparsed: number;
  promptTokens: number;
  completionTokens: number;
  /** FinQA: "judge" when an LLM judge decided, else "numeric". */
  method?: "judge" | "numeric";
}

const UNPARSED = new Set(["no-output", "no-box", "not-options", "unparseable", "no-label", "no-answer", "ambiguous"]);

export function summarize(benchmark: string, results: readonly ItemResult[], method?: "judge" | "numeric"): BenchmarkSummary {
  let score = 0;
  let samples = 0;
  let format = 0;
  let truncated = 0;
  let unparsed = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  for (const r of results) {
    score += r.score;
    promptTokens += r.usage.promptTokens;
    completionTokens += r.usage.completionTokens;
    for (const s of r.samples) {
      samples++;
      if (s.formatOk) format++;
      if (s.finishReason === "length") truncated++;
      if (UNPARSED.has(s.reason)) unparsed++;
    }
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    benchmark,
    items: results.length,
    percent: results.length ? round((100 * score) / results.length) : 0,
    formatPercent: samples ? round((100 * format) / samples) : 0,
    truncated,
    refused: results.filter((r) => r.error).length,
    unparsed,
    promptTokens,
    completionTokens,
    ...(method ? { method } : {}),
  };
}

// A benchmark with thousands of long reasoning outputs would exceed V8's maximum string length as one string, so
// results are written through the chunked atomic writer.
export { writeJsonlAtomic } from "../../../util/atomic-write.js";
