// Format compliance: how many responses have the trained <think>…</think><answer>…\boxed{}…</answer> layout.
import { countOccurrences, lastBoxed, reasoningLayout, THINK_CLOSE, THINK_OPEN, type LayoutProblem } from "./answer.js";

export type FormatProblem = LayoutProblem | "no-box-in-answer" | "no-output";

export interface FormatCheck {
  ok: boolean;
  problem: FormatProblem | null;
  /** The grader's reason in words. */
  why: string;
}

/**
 * Format compliance for evaluation: the layout the model is trained on, `<think>…</think><answer>…\boxed{…}…</answer>`
 * (the format half of the CFLUE reward, same tag rules as dianjin_reward.py), read from what the model wrote:
 * - `reasoning` is the think part when the server returns it separately (`reasoning_content` of vLLM's reasoning
 *   parser and DeepSeek): the response counts as `<think>reasoning</think>` followed by the content;
 * - a content with `</think>` but no `<think>` starts inside the think block: chat templates that pre-fill `<think>`
 *   in the prompt (DeepSeek-R1-Distill-Qwen, QwQ-32B, Qwen3 thinking models) put the opening tag in the prompt, so
 *   the model never writes it. It counts as having it. (QwQ's and the updated DeepSeek-R1 templates end the generation
 *   prompt with `<think>\n`: ggml-org/llama.cpp#12275; Qwen's docs for the Thinking-2507 models say output with only
 *   `</think>` is normal: Cerebras/cerebras-cloud-sdk-python#10, vllm-project/vllm#31045.)
 * The RL reward keeps the seed's stricter rule (its responses come from our own template, which pre-fills nothing).
 */
export function checkFormat(response: string | null | undefined, reasoning?: string | null): FormatCheck {
  if (typeof response !== "string") return { ok: false, problem: "no-output", why: "no answer content" };
  const separate = withSeparateReasoning(response, reasoning);
  const prefilled = withPrefilledThink(separate);
  const check = checkLayout(prefilled);
  const how = separate !== response ? " (reasoning returned separately)" : prefilled !== separate ? " (<think> pre-filled by the chat template)" : "";
  return { ...check, why: `${check.why}${how}` };
}

/** The content with a separately returned reasoning put back as its think block (unless it already has one). */
export function withSeparateReasoning(content: string, reasoning: string | null | undefined): string {
  if (!reasoning?.trim() || content.includes(THINK_OPEN) || content.includes(THINK_CLOSE)) return content;
  return `${THINK_OPEN}${reasoning}${THINK_CLOSE}${content}`;
}

/** A content that starts inside a think block the template opened: exactly one `</think>` and no `<think>`. */
export function withPrefilledThink(content: string): string {
  if (content.includes(THINK_OPEN) || countOccurrences(content, THINK_CLOSE) !== 1) return content;
  return `${THINK_OPEN}${content}`;
}

const PROBLEM_WHY: Record<LayoutProblem | "no-box-in-answer", string> = {
  "think-tag-count": "not exactly one <think> and one </think>",
  "answer-tag-count": "not exactly one <answer> and one </answer>",
  "think-order": "</think> before <think>",
  "answer-order": "</answer> before <answer>",
  "answer-not-after-think": "the answer block starts before </think>",
  "no-box-in-answer": "no \\boxed{} inside the answer block",
};

function checkLayout(response: string): Omit<FormatCheck, "why"> & { why: string } {
  const layout = reasoningLayout(response);
  if (!layout.ok) return { ok: false, problem: layout.problem, why: PROBLEM_WHY[layout.problem] };
  if (lastBoxed(layout.answer) === null) return { ok: false, problem: "no-box-in-answer", why: PROBLEM_WHY["no-box-in-answer"] };
  return { ok: true, problem: null, why: "one think block, then one answer block with a box" };
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
