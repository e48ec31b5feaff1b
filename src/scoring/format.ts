// Format compliance: how many responses have the trained <think>…</think><answer>…\boxed{}…</answer> layout.
import { lastBoxed, reasoningLayout, type LayoutProblem } from "./answer.js";

export type FormatProblem = LayoutProblem | "no-box-in-answer" | "no-output";

export interface FormatCheck {
  ok: boolean;
  problem: FormatProblem | null;
}

/** The format half of the CFLUE reward (same rule as dianjin_reward.py), usable for any task. */
export function checkFormat(response: string | null | undefined): FormatCheck {
  if (typeof response !== "string") return { ok: false, problem: "no-output" };
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
export function formatComplianceRate(responses: Iterable<string | null | undefined>): FormatReport {
  const report: FormatReport = { total: 0, ok: 0, rate: 0, problems: {} };
  for (const response of responses) {
    report.total++;
    const check = checkFormat(response);
    if (check.ok) report.ok++;
    else if (check.problem) report.problems[check.problem] = (report.problems[check.problem] ?? 0) + 1;
  }
  report.rate = report.total ? report.ok / report.total : 0;
  return report;
}
