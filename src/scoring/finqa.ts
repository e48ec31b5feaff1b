// FinQA scoring: a deterministic numeric checker and a parser for the LLM judge's verdict.
import { answerPart, lastBoxed } from "./answer.js";
import { SCORING_DEFAULTS } from "./defaults.js";

export interface NumericReading {
  /** The number as printed, sign applied, separators removed ("(1,234)" → -1234, "9.37%" → 9.37). */
  printed: number;
  /** The value the text means: percent divided by 100, bp by 10,000, "million" multiplied by 1e6, … */
  value: number;
  unit: "percent" | "bp" | "scale" | null;
}

export type FinqaGold = number | string;

export interface FinqaMatchOptions {
  /** Relative tolerance (default SCORING_DEFAULTS.finqa.relTol = 1%). */
  relTol?: number;
  /** Absolute tolerance floor (default 1e-4). */
  absTol?: number;
  /** Also accept the prediction read as a percent of the gold or vice versa (default true). */
  percentEither?: boolean;
  /** Also accept a 10^3/10^6/10^9 scale mismatch (default false). */
  scaleEither?: boolean;
}

export interface FinqaScore {
  correct: boolean;
  /** The text the number was read from (box, answer block or whole response). */
  answerText: string | null;
  predicted: NumericReading | boolean | null;
  reason: "ok" | "wrong" | "no-output" | "no-answer" | "unparseable" | "bad-gold";
}

const SCALE_WORDS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:trillions?|tn)\b/i, 1e12],
  [/^(?:billions?|bn|b)\b/i, 1e9],
  [/^(?:millions?|mn|mm|m)\b/i, 1e6],
  [/^(?:thousands?|k)\b/i, 1e3],
  [/^亿/, 1e8],
  [/^万/, 1e4],
];
const PERCENT_WORDS = /^(?:%|percent\b|per cent\b|percentage points?\b|pct\b|个百分点|百分点)/i;
const BP_WORDS = /^(?:bps?\b|basis points?\b|基点)/i;

// A number with optional accounting parentheses, sign and currency: "-$1,234.5", "(1,234)", "$(12)", "1.2e-3".
const NUMBER =
  /(?<![\d.])(\(\s*)?([-+])?\s*(?:[$¥€£]|US\$|RMB|CNY|USD)?\s*(\(\s*)?([-+])?\s*((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)(\s*\))?/g;

/** Turn LaTeX and typographic variants into plain text: \text{x} → x, \% → %, − → -, full-width → ASCII. */
export function plainAnswerText(text: string): string {
  let t = text.normalize("NFKC");
  for (let previous = ""; previous !== t;) {
    previous = t;
    t = t.replace(/\\(?:text|textbf|textrm|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}/g, "$1");
  }
  return t
    .replace(/\\left|\\right/g, "")
    .replace(/\\dfrac|\\frac/g, "frac")
    .replace(/\\([%$])/g, "$1")
    .replace(/\\[,;:! ]|\\quad|\\qquad|~/g, " ")
    .replace(/[{}]/g, "")
    .replace(/[\u2212\u2012\u2013\u2014\uFE63]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Read the last number in `text` with its unit. Handles thousands separators, accounting negatives
 * "(1,234)", currency signs, unicode minus, percent / bp / scale words (thousand, million, billion, 万, 亿).
 * Returns null when the text has no number.
 */
export function parseNumericAnswer(text: string): NumericReading | null {
  const t = plainAnswerText(text);
  let last: RegExpExecArray | null = null;
  for (const m of t.matchAll(NUMBER)) last = m;
  if (!last) return null;
  const [whole, openA, signA, openB, signB, digits, close] = last;
  let printed = Number((digits ?? "").replace(/,/g, ""));
  if (!Number.isFinite(printed)) return null;
  const sign = signA ?? signB;
  const parenthesised = Boolean((openA || openB) && close);
  if (sign === "-" || parenthesised) printed = -printed;
  const after = t.slice((last.index ?? 0) + whole.length).trimStart();
  if (PERCENT_WORDS.test(after)) return { printed, value: printed / 100, unit: "percent" };
  if (BP_WORDS.test(after)) return { printed, value: printed / 10_000, unit: "bp" };
  for (const [word, factor] of SCALE_WORDS) {
    if (word.test(after)) return { printed, value: printed * factor, unit: "scale" };
  }
  return { printed, value: printed, unit: null };
}

const YES = new Set(["yes", "true", "是", "对", "正确"]);
const NO = new Set(["no", "false", "否", "不是", "错", "错误"]);

/** "yes"/"no"-style answers (FinQA's `greater` questions), else null. */
export function parseBooleanAnswer(text: string): boolean | null {
  const t = plainAnswerText(text)
    .toLowerCase()
    .replace(/[.!。！]+$/, "")
    .trim();
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return null;
}

// "The answer is 12.5", "Final answer: 12.5%", "答案是 12.5", "答案：12.5" — the last one in the answer part wins.
const STATEMENT = /(?:\banswer\s*(?:is|:|=)|答案\s*(?:是|为|:|：))\s*([^\n]+)/gi;
// An answer part that is nothing but one value: optional currency or words like "approximately" before it, and a
// unit after it ("0.111", "$1,234 million", "-3.5%", "约 12.5 亿").
const LONE_VALUE = /^[^\d]{0,16}\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?[^\d]{0,24}$/;

/**
 * The final answer a model committed to, or null when it gave none: the last `\boxed{}` of the answer part
 * (see `answerPart`), else the last explicit statement there ("the answer is …"), else the answer part itself when
 * it is a lone value or yes/no. Never a number from the reasoning, never a number picked out of prose.
 */
export function extractFinalAnswer(response: string): string | null {
  const part = answerPart(response);
  if (part === null) return null;
  const box = lastBoxed(part);
  if (box !== null) return box;
  let stated: string | null = null;
  for (const m of part.matchAll(STATEMENT)) stated = m[1]!.trim().replace(/[.。]$/, "");
  if (stated) return stated;
  const plain = plainAnswerText(part)
    .replace(/[.。]$/, "")
    .trim();
  if (plain && (parseBooleanAnswer(plain) !== null || LONE_VALUE.test(plain))) return plain;
  return null;
}

function close(a: number, b: number, relTol: number, absTol: number): boolean {
  return Math.abs(a - b) <= Math.max(absTol, relTol * Math.abs(b));
}

/**
 * Compare a numeric answer with a FinQA gold (the `exe_ans` number, or a display string such as "14%").
 * The prediction counts when any of its readings is within max(absTol, relTol·|gold|) of the gold:
 * its meant value (9.37% → 0.0937), its printed value (9.37), and with `percentEither` also printed/100
 * and printed×100; with `scaleEither` the 10^3/10^6/10^9 multiples too. Signs are never ignored.
 */
export function finqaNumericMatch(predicted: NumericReading, gold: number, options: FinqaMatchOptions = {}): boolean {
  const d = SCORING_DEFAULTS.finqa;
  const relTol = options.relTol ?? d.relTol;
  const absTol = options.absTol ?? d.absTol;
  const candidates = new Set([predicted.value, predicted.printed]);
  if (options.percentEither ?? d.percentEither) {
    candidates.add(predicted.printed / 100);
    candidates.add(predicted.printed * 100);
  }
  if (options.scaleEither ?? d.scaleEither) {
    for (const base of [predicted.value, predicted.printed]) {
      for (const f of [1e3, 1e6, 1e9]) {
        candidates.add(base * f);
        candidates.add(base / f);
      }
    }
  }
  for (const c of candidates) if (close(c, gold, relTol, absTol)) return true;
  return false;
}

/** Score a model response against a FinQA gold with the deterministic rules above. */
export function scoreFinqa(response: string | null | undefined, gold: FinqaGold, options: FinqaMatchOptions = {}): FinqaScore {
  if (typeof response !== "string") return { correct: false, answerText: null, predicted: null, reason: "no-output" };
  const answerText = extractFinalAnswer(response);
  if (answerText === null) return { correct: false, answerText: null, predicted: null, reason: "no-answer" };
  const goldBool = typeof gold === "string" ? parseBooleanAnswer(gold) : null;
  if (goldBool !== null) {
    const predicted = parseBooleanAnswer(answerText);
    if (predicted === null) return { correct: false, answerText, predicted: null, reason: "unparseable" };
    const correct = predicted === goldBool;
    return { correct, answerText, predicted, reason: correct ? "ok" : "wrong" };
  }
  const goldValue = typeof gold === "number" ? gold : parseNumericAnswer(gold)?.value;
  if (goldValue === undefined || !Number.isFinite(goldValue)) {
    return { correct: false, answerText, predicted: null, reason: "bad-gold" };
  }
  const predicted = parseNumericAnswer(answerText);
  if (!predicted) return { correct: false, answerText, predicted: null, reason: "unparseable" };
  const correct = finqaNumericMatch(predicted, goldValue, options);
  return { correct, answerText, predicted, reason: correct ? "ok" : "wrong" };
}

export interface JudgeVerdict {
  /** 1 = judged correct, 0 = judged wrong, null = no verdict box found. */
  verdict: 0 | 1 | null;
  /** Which spelling matched: `\boxed{1}` ("single") or the seed's literal `boxed{{1}}` ("double"). */
  form: "single" | "double" | null;
}

const VERDICT = /boxed\{\{\s*([01])\s*\}\}|boxed\{\s*([01])\s*\}/g;

/**
 * Parse an LLM judge's reply. The last verdict box wins. Both `\boxed{1}` and the seed's `boxed{{1}}`
 * (eval.py searches that literal text) are accepted, and `form` records which one matched so a report
 * can say whether the seed's scorer would have counted it.
 */
export function parseJudgeVerdict(judgeOutput: string | null | undefined): JudgeVerdict {
  if (typeof judgeOutput !== "string") return { verdict: null, form: null };
  let last: RegExpExecArray | null = null;
  for (const m of judgeOutput.matchAll(VERDICT)) last = m;
  if (!last) return { verdict: null, form: null };
  const double = last[1] !== undefined;
  const digit = double ? last[1] : last[2];
  return { verdict: digit === "1" ? 1 : 0, form: double ? "double" : "single" };
}
