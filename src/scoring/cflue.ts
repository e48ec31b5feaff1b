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
}

/**
 * Evaluation scorer (no format requirement; the last top-level `\boxed{}` anywhere in the output counts).
 * - "seed": every ASCII capital A–G in the box counts, as in the seed's eval.py (so `\boxed{B. Equity}`
 *   reads "BE"). Unlike the seed, nested braces are kept (`\boxed{\text{A}}` reads "A").
 * - "strict": the box, after removing `\text{}`-style wrappers, `$`, spaces and list separators, must consist
 *   of option letters only; full-width letters and punctuation are folded to ASCII first (NFKC), lowercase
 *   and H–Z letters or any other word make the answer unusable.
 * A null/undefined output is wrong (the seed skips it but keeps it in the denominator).
 */
export function scoreCflue(response: string | null | undefined, gold: string, options: { mode?: CflueMode } = {}): CflueScore {
  const mode = options.mode ?? SCORING_DEFAULTS.cflueMode;
  if (typeof response !== "string") return { correct: false, predicted: null, reason: "no-output" };
  // The seed reads the last box anywhere; strict reads only the committed answer (never a box in the reasoning).
  const part = mode === "seed" ? response : answerPart(response);
  const box = part === null ? null : lastBoxed(part);
  if (box === null) return { correct: false, predicted: null, reason: "no-box" };
  const predicted = mode === "seed" ? optionLetterSet(box) : strictOptionSet(box);
  if (predicted === null || predicted === "") return { correct: false, predicted: null, reason: "not-options" };
  const correct = predicted === optionLetterSet(gold);
  return { correct, predicted, reason: correct ? "ok" : "wrong" };
}

const LATEX_WRAPPER = /\\(?:text|textbf|textrm|mathrm|mathbf|mbox|rm|bf)\s*\{([^{}]*)\}/g;
// Separators people put between letters: spaces, commas, 、, semicolons, "and"/"和"/"及"/"与", "&".
const SEPARATORS = /(?:\s|,|、|;|&|\band\b|和|及|与|\\,|\\;|\\quad|~)+/g;

/** Option set of a box that holds nothing but option letters, else null. */
export function strictOptionSet(box: string): string | null {
  let text = box.normalize("NFKC");
  for (let previous = ""; previous !== text;) {
    previous = text;
    text = text.replace(LATEX_WRAPPER, "$1");
  }
  text = text.replace(/\$/g, "").replace(SEPARATORS, " ").trim();
  if (!/^[A-G](?: ?[A-G])*$/.test(text)) return null;
  return optionLetterSet(text);
}
