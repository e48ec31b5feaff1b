// From a model's reply to the SFT target `<think>\n{reasoning}\n</think>\n\n<answer>\n{answer}\n</answer>`.
// The reasoning comes from the reply's reasoning field (reasoning / reasoning_content, as DeepSeek-R1 and vLLM's
// reasoning parsers return it); without one, from a `<think>…</think>` block in the content.
import { lastBoxed } from "../../../scoring/index.js";
import type { LlmReply } from "./llm-step.js";

export type TargetProblem = "no-content" | "no-reasoning" | "no-answer" | "no-box" | "truncated" | "nested-tags";

export type ParsedTarget = { ok: true; reasoning: string; answer: string; target: string } | { ok: false; problem: TargetProblem };

const TAGS = ["<think>", "</think>", "<answer>", "</answer>"];

/** The content of `<answer>…</answer>` when present, else the whole text. */
function answerPart(text: string): string {
  const open = text.indexOf("<answer>");
  const close = text.lastIndexOf("</answer>");
  if (open !== -1 && close > open) return text.slice(open + "<answer>".length, close);
  if (open !== -1) return text.slice(open + "<answer>".length);
  return text;
}

export function buildTarget(reasoning: string, answer: string): string {
  return `<think>\n${reasoning}\n</think>\n\n<answer>\n${answer}\n</answer>`;
}

export function parseReply(reply: LlmReply): ParsedTarget {
  if (reply.finish === "length") return { ok: false, problem: "truncated" };
  const content = reply.content ?? "";
  let reasoning: string;
  let rest: string;
  if (reply.reasoning && reply.reasoning.trim() !== "") {
    reasoning = reply.reasoning;
    // Some servers also echo a think block in the content; the reasoning field wins.
    const close = content.indexOf("</think>");
    rest = close === -1 ? content : content.slice(close + "</think>".length);
  } else {
    if (content.trim() === "") return { ok: false, problem: "no-content" };
    const open = content.indexOf("<think>");
    const close = content.indexOf("</think>");
    // vLLM's reasoning parsers for R1 strip the opening tag, so a lone `</think>` still ends the reasoning.
    if (close === -1) return { ok: false, problem: "no-reasoning" };
    reasoning = content.slice(open !== -1 && open < close ? open + "<think>".length : 0, close);
    rest = content.slice(close + "</think>".length);
  }
  reasoning = reasoning.trim();
  const answer = answerPart(rest).trim();
  if (reasoning === "") return { ok: false, problem: "no-reasoning" };
  if (answer === "") return { ok: false, problem: "no-answer" };
  if (TAGS.some((t) => reasoning.includes(t) || answer.includes(t))) return { ok: false, problem: "nested-tags" };
  if (lastBoxed(answer) === null) return { ok: false, problem: "no-box" };
  return { ok: true, reasoning, answer, target: buildTarget(reasoning, answer) };
}
