// Format compliance: how many responses have the trained <think>…</think><answer>…\boxed{}…</answer> layout.
import { lastBoxed, reasoningLayout, THINK_CLOSE, THINK_OPEN, type LayoutProblem } from "./answer.js";

export type FormatProblem = LayoutProblem | "no-box-in-answer" | "no-output";

export interface FormatCheck {
  ok: boolean;
  problem: FormatProblem | null;
}

/**
 * The format half of the CFLUE reward (same rule as dianjin_reward.py), usable for any task. `reasoning` is the
 * think part when the server returns it separately (`reasoning_content` of vLLM's reasoning parser and DeepSeek):
 * the response then counts as `<think>reasoning</think>` followed by the content.
 */
export function checkFormat(response: string | null | undefined, reasoning?: string | null): FormatCheck {
  if (typeof response !== "string") return { ok: false, problem: "no-output" };
  return checkLayout(withSeparateReasoning(response, reasoning));
}

/** The content with a separately returned reasoning put back as its think block (unless it already has one). */
export function withSeparateReasoning(content: string, reasoning: string | null | undefined): string {
  if (!reasoning?.trim() || content.includes(THINK_OPEN) || content.includes(THINK_CLOSE)) return content;
  return `${THINK_OPEN}${reasoning}${THINK_CLOSE}${content}`;
}

function checkLayout(response: string): FormatCheck {
  const layout = reasoningLayout(response);
  if (!layout.ok) return { ok: false, problem: layout.problem };
  if (lastBoxed(layout.answer) === null) return { ok: false, problem: "no-box-in-answer" };
  return { ok: true, problem: null };
}

export interface FormatReport {
  total: number;
  ok: number;
  /** ok / total, or 0 for an empty input. */
  rate: number;
  /** How many responses failed for each reason (first failing rule only). */
  problems: Partial<Record<FormatProblem, number>>;
}

/** Format-compliance rate over a set of responses. */
export function formatComplianceRate(
  responses: Iterable<string | null | undefined | { content: string | null | undefined; reasoning?: string | null }>,
): FormatReport {
  const report: FormatReport = { total: 0, ok: 0, rate: 0, problems: {} };
  for (const response of responses) {
    report.total++;
    const check = typeof response === "object" && response !== null ? checkFormat(response.content, response.reasoning) : checkFormat(response);
    if (check.ok) report.ok++;
    else if (check.problem) report.problems[check.problem] = (report.problems[check.problem] ?? 0) + 1;
  }
  report.rate = report.total ? report.ok / report.total : 0;
  return report;
}
