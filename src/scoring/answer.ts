// Extraction helpers shared by every scorer: <think>/<answer> blocks and brace-balanced \boxed{} contents.
// The DianJin reward (src/assets/python/dianjin_reward.py) implements the same rules; keep the two in step
// (test/scoring/reward-parity.test.ts compares them on thousands of generated responses).

export const THINK_OPEN = "<think>";
export const THINK_CLOSE = "</think>";
export const ANSWER_OPEN = "<answer>";
export const ANSWER_CLOSE = "</answer>";
const BOX_OPEN = "\\boxed{";

/** Number of non-overlapping occurrences of `needle` in `text` (same as Python's str.count). */
export function countOccurrences(text: string, needle: string): number {
  if (needle.length === 0) return 0;
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/**
 * Text between the first `open` tag and the first `close` tag after it, or null when either is missing.
 * Callers that need "exactly one block" check the tag counts first (see `reasoningLayout`).
 */
export function tagContent(text: string, open: string, close: string): string | null {
  const start = text.indexOf(open);
  if (start === -1) return null;
  const end = text.indexOf(close, start + open.length);
  if (end === -1) return null;
  return text.slice(start + open.length, end);
}

/** Why a response does not have the trained `<think>…</think><answer>…</answer>` layout. */
export type LayoutProblem = "think-tag-count" | "answer-tag-count" | "think-order" | "answer-order" | "answer-not-after-think";

export type ReasoningLayout = { ok: true; think: string; answer: string } | { ok: false; problem: LayoutProblem };

/**
 * Decision (deliberate, stricter than the seed's `re.findall`): each of the four literal tags must occur
 * exactly once, `<think>` before `</think>`, `<answer>` before `</answer>`, and the answer block must start
 * after `</think>`. Tags are case-sensitive and must be written exactly (`<Think>` or `< think >` are plain
 * text). Text before `<think>` or after `</answer>` is ignored, as in the seed.
 * Why: the seed's non-greedy regex counts `<think><think>x</think>` as one block and accepts an answer
 * nested inside the reasoning; counting literal tags is unambiguous and identical in Python and TypeScript.
 */
export function reasoningLayout(text: string): ReasoningLayout {
  if (countOccurrences(text, THINK_OPEN) !== 1 || countOccurrences(text, THINK_CLOSE) !== 1) {
    return { ok: false, problem: "think-tag-count" };
  }
  if (countOccurrences(text, ANSWER_OPEN) !== 1 || countOccurrences(text, ANSWER_CLOSE) !== 1) {
    return { ok: false, problem: "answer-tag-count" };
  }
  const thinkOpen = text.indexOf(THINK_OPEN);
  const thinkClose = text.indexOf(THINK_CLOSE);
  const answerOpen = text.indexOf(ANSWER_OPEN);
  const answerClose = text.indexOf(ANSWER_CLOSE);
  if (thinkClose < thinkOpen + THINK_OPEN.length) return { ok: false, problem: "think-order" };
  if (answerClose < answerOpen + ANSWER_OPEN.length) return { ok: false, problem: "answer-order" };
  if (answerOpen < thinkClose + THINK_CLOSE.length) return { ok: false, problem: "answer-not-after-think" };
  return {
    ok: true,
    think: text.slice(thinkOpen + THINK_OPEN.length, thinkClose),
    answer: text.slice(answerOpen + ANSWER_OPEN.length, answerClose),
  };
}

/**
 * The part of a response the model committed to as its answer: the `<answer>` block when the layout is right,
 * else the text after the last `</think>`, else (no think tags at all) the whole response. A `<think>` that is
 * never closed means the model never left its reasoning: null. Scorers read answers from here only, never a
 * number or a box from the reasoning.
 */
export function answerPart(response: string): string | null {
  const layout = reasoningLayout(response);
  if (layout.ok) return layout.answer;
  const close = response.lastIndexOf(THINK_CLOSE);
  if (close !== -1) return response.slice(close + THINK_CLOSE.length);
  if (response.includes(THINK_OPEN)) return null;
  return response;
}

/**
 * Contents of every top-level `\boxed{…}` in `text`, in order, with nested braces kept
 * (`\boxed{\text{A}}` gives `\text{A}`).
 * Decisions: only the exact spelling `\boxed{` opens a box (no space, backslash required); braces are
 * counted raw (LaTeX escapes `\{`/`\}` are not special); a box nested inside another box is part of the
 * outer box's content, not a separate box; an opener with no matching `}` is skipped and the scan resumes
 * right after that opener, so a later complete box can still be found.
 */
export function boxedContents(text: string): string[] {
  const found: string[] = [];
  let from = 0;
  while (true) {
    const at = text.indexOf(BOX_OPEN, from);
    if (at === -1) return found;
    const contentStart = at + BOX_OPEN.length;
    const end = matchingBrace(text, contentStart);
    if (end === -1) {
      from = contentStart;
      continue;
    }
    found.push(text.slice(contentStart, end));
    from = end + 1;
  }
}

/** Index of the `}` that closes a brace opened just before `start`, or -1. */
function matchingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0) return i;
  }
  return -1;
}

/** The last `\boxed{` of `text` is never closed: the output was cut inside its answer box. */
export function endsInOpenBox(text: string): boolean {
  const at = text.lastIndexOf(BOX_OPEN);
  return at !== -1 && matchingBrace(text, at + BOX_OPEN.length) === -1;
}

/** Content of the last top-level `\boxed{…}`, or null when there is none. */
export function lastBoxed(text: string): string | null {
  const all = boxedContents(text);
  return all.length ? (all[all.length - 1] as string) : null;
}

/** Option letters the CFLUE scorers read (CFLUE items have at most 5 options; the seed reads A–G). */
export const OPTION_LETTERS = "ABCDEFG";

/**
 * Seed-style option set: which of the ASCII capitals A–G occur anywhere in `text`, as a sorted string
 * ("A, C" → "AC", "CA" → "AC", "B. Equity" → "BE"). Lowercase, full-width (Ａ) and H–Z letters are ignored.
 */
export function optionLetterSet(text: string): string {
  let set = "";
  for (const letter of OPTION_LETTERS) if (text.includes(letter)) set += letter;
  return set;
}
