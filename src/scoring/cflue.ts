// CFLUE multiple-choice scoring: the RL reward (same rule as dianjin_reward.py) and the evaluation scorer.
import { answerPart, lastBoxed, optionLetterSet, reasoningLayout, type LayoutProblem } from "./answer.js";
import { SCORING_DEFAULTS } from "./defaults.js";

export interface CflueRewardDetail {
  /** 1 when the format is right and the option set matches, else 0. */
  score: 0 | 1;
  /** Same as score (verl shows `acc` as the core validation metric). */
  acc: 0 | 1;
  /** The response has one think block, one answer block after it, and a \boxed{} inside the answer. */
  formatOk: boolean;
  /** Option set read from the last box in the answer block, or null when the format is wrong. */
  predicted: string | null;
  problem: LayoutProblem | "no-box-in-answer" | "bad-gold" | null;
}

/**
 * The DianJin-R1 CFLUE reward with its reasons. Rule (identical to dianjin_reward.py):
 * 1. `reasoningLayout` must accept the response (each tag exactly once, think before answer);
 * 2. the answer block must contain at least one complete `\boxed{…}`; the last top-level one is used;
 * 3. the set of ASCII letters A–G in that box must equal the set of A–G letters in the gold.
 * Decision: a gold with no A–G letter never scores (an empty box must not match an empty gold).
 */
export function cflueRewardDetail(response: string, gold: string): CflueRewardDetail {
  const layout = reasoningLayout(response);
  if (!layout.ok) return { score: 0, acc: 0, formatOk: false, predicted: null, problem: layout.problem };
  const box = lastBoxed(layout.answer);
  if (box === null) return { score: 0, acc: 0, formatOk: false, predicted: null, problem: "no-box-in-answer" };
  const predicted = optionLetterSet(box);
  const wanted = optionLetterSet(gold);
  if (wanted === "") return { score: 0, acc: 0, formatOk: true, predicted, problem: "bad-gold" };
  const score = predicted === wanted ? 1 : 0;
  return { score, acc: score, formatOk: true, predicted, problem: null };
}

/** The RL reward as verl sees it: 1.0 or 0.0. Never throws. */
export function cflueReward(response: string, gold: string): number {
  if (typeof response !== "string" || typeof gold !== "string") return 0;
  return cflueRewardDetail(response, gold).score;
}

export type CflueMode = "seed" | "strict";

export interface CflueScore {
  correct: boolean;
  /** Sorted option letters the scorer read, or null when nothing usable was found. */
  predicted: string | null;
  reason: "ok" | "wrong" | "no-output" | "no-box" | "not-options";
  /** The grader's reason in words. */
  why: string;
}

/**
 * Evaluation scorer (no format requirement).
 * - "seed": the last top-level `\boxed{}` anywhere in the output; every ASCII capital A–G in it counts, as in the
 *   seed's eval.py (so `\boxed{B. Equity}` reads "BE"). Unlike the seed, nested braces are kept (`\boxed{\text{A}}`
 *   reads "A"). This is the paper's metric and does not change with the scoring version.
 * - "strict": the committed answer only (never a box in the reasoning): its last box, else the whole committed text
 *   when it is nothing but an option answer; read by `strictOptionSet`.
 * A null/undefined output is wrong (the seed skips it but keeps it in the denominator).
 */
export function scoreCflue(response: string | null | undefined, gold: string, options: { mode?: CflueMode } = {}): CflueScore {
  const mode = options.mode ?? SCORING_DEFAULTS.cflueMode;
  if (typeof response !== "string") return { correct: false, predicted: null, reason: "no-output", why: "no answer content" };
  const wanted = optionLetterSet(gold);
  const verdict = (predicted: string, from: string): CflueScore => {
    const correct = predicted === wanted;
    return { correct, predicted, reason: correct ? "ok" : "wrong", why: `${from} reads ${predicted}; gold ${wanted}` };
  };
  if (mode === "seed") {
    const box = lastBoxed(response);
    if (box === null) return { correct: false, predicted: null, reason: "no-box", why: "no \\boxed{} in the output (seed rule)" };
    const predicted = optionLetterSet(box);
    if (predicted === "") return { correct: false, predicted: null, reason: "not-options", why: `no A-G capital in the box "${box}" (seed rule)` };
    return verdict(predicted, "the last box (seed rule: every A-G capital)");
  }
  const part = answerPart(response);
  if (part === null) return { correct: false, predicted: null, reason: "no-box", why: "the output ends inside <think>: no committed answer (truncated?)" };
  const box = lastBoxed(part);
  if (box === null) {
    const text = part.replace(/<\/?answer>/g, "");
    const whole = strictOptionSet(text);
    if (whole) return verdict(whole, "the committed text");
    const stated = statedOptionSet(text);
    if (stated) return verdict(stated, 'the statement "答案是 …" / "the answer is …"');
    return { correct: false, predicted: null, reason: "no-box", why: 'no box, no option answer and no "答案是 …" in the committed answer' };
  }
  const predicted = strictOptionSet(box);
  if (!predicted) return { correct: false, predicted: null, reason: "not-options", why: `the box "${box}" names no option (or two alternatives)` };
  return verdict(predicted, "the last box");
}

const LATEX_WRAPPER = /\\(?:text|textbf|textrm|mathrm|mathbf|mbox|rm|bf)\s*\{([^{}]*)\}/g;
// Separators people put between letters: spaces, commas, 、, semicolons, "and"/"和"/"及"/"与", "&".
const SEPARATORS = /(?:\s|,|、|;|&|\band\b|和|及|与|\\,|\\;|\\quad|~)+/g;
// "答案：", "正确答案是", "选项", "选", "The answer is", "Option" before the letters.
const LEAD_IN =
  /^(?:(?:正确|最终)?答案\s*(?:是|为|应为|应选)?\s*[:：]?|(?:the\s+)?(?:final\s+|correct\s+)?answer\s*(?:is)?\s*[:：]?|(?:correct\s+)?(?:options?|choices?)\s*[:：]?|选项|应选|选择|选)\s*/i;
// A letter that names an option before its text: "B. Equity", "(B) Equity", "B、股票", "C：托管费".
const NAMED = /(?:^|[;；\n]|[,，]\s*)\s*[(（]?([A-Ga-g])\s*(?:[.:、)）]|$)/g;

// "答案是B，因为……", "The answer is C because …": the letters right after the last such statement.
const STATED = /(?:答案\s*(?:是|为|应为|应选)?|\b[Aa]nswer\s+is|应选|选择|选项)\s*[:：]?\s*([A-G](?:\s*(?:,|、|和|及|与|\band\b)?\s*[A-G])*)(?![A-Za-z])/g;

/** Option set stated in prose without a box, or null. */
function statedOptionSet(text: string): string | null {
  const last = [...text.normalize("NFKC").matchAll(STATED)].at(-1);
  return last ? optionLetterSet(last[1]!) || null : null;
}

/**
 * Option set of a committed answer, or null when it names no option. Read as a grader reads it (full-width letters
 * and punctuation folded by NFKC, `\text{}` wrappers and `$` removed, a lead-in such as "答案：" or "选项" dropped):
 * 1. nothing but letters A–G (all capitals or all lowercase), with separators: "A, C", "A、C", "ac", "b" → "AC", "B";
 * 2. else the letters that name options before their text: "B. Equity" → B, "D. Both A and C" → D (the letters in
 *    an option's text are not answers), "A. 管理费；C. 托管费" → AC;
 * letters after G, or anything else ("A or C", "都不对") name no option.
 */
export function strictOptionSet(box: string): string | null {
  let text = box.normalize("NFKC");
  for (let previous = ""; previous !== text;) {
    previous = text;
    text = text.replace(LATEX_WRAPPER, "$1");
  }
  text = text
    .replace(/\$/g, "")
    .trim()
    .replace(LEAD_IN, "")
    .trim()
    .replace(/[.。]$/, "");
  const letters = text.replace(SEPARATORS, " ").trim();
  if (/^[A-G](?: ?[A-G])*$/.test(letters) || /^[a-g](?: ?[a-g])*$/.test(letters)) return optionLetterSet(letters.toUpperCase());
  const named = [...text.matchAll(NAMED)].map((m) => m[1]!.toUpperCase());
  if (named.length === 0 || !/^[(（]?[A-Ga-g]\s*[.:、)）]/.test(text)) return null;
  return optionLetterSet(named.join(""));
}
