// FinQA scoring: a deterministic numeric checker and a parser for the LLM judge's verdict.
import { answerPart, endsInOpenBox, lastBoxed } from "./answer.js";
import { SCORING_DEFAULTS } from "./defaults.js";
import { parseBooleanAnswer, parseNumericAnswer, plainAnswerText, readAnswerNumber, type NumericReading } from "./finqa-read.js";

export { parseBooleanAnswer, parseNumericAnswer, plainAnswerText, readAnswerNumber, type AnswerNumber, type NumericReading } from "./finqa-read.js";

export type FinqaGold = number | string;

export interface FinqaMatchOptions {
  /** Relative tolerance (default SCORING_DEFAULTS.finqa.relTol = 1%). */
  relTol?: number;
  /** Absolute tolerance floor (default 1e-4). */
  absTol?: number;
  /** Read a bare number as a percent (9.37 for 0.0937) when the gold is a ratio, |gold| ≤ 1 (default true). */
  percentEither?: boolean;
  /** Also accept a 10^3/10^6/10^9 scale mismatch (default false). */
  scaleEither?: boolean;
  /** The question, when known: "what was the decrease …" lets "a decrease of 5" match a gold of +5. */
  question?: string;
}

export interface FinqaScore {
  correct: boolean;
  /** The text the number was read from (box, statement or lone value), or null. */
  answerText: string | null;
  predicted: NumericReading | boolean | null;
  reason: "ok" | "wrong" | "no-output" | "no-answer" | "unparseable" | "ambiguous" | "bad-gold";
  /** The grader's reason in words. */
  why: string;
}

// "The answer is 12.5", "Final answer: 12.5%", "答案是 12.5", "答案：12.5" — the last one in the answer part wins.
const STATEMENT = /(?:\banswer\s*(?:is|:|=)|答案\s*(?:是|为|:|：))\s*([^\n]+)/gi;

/**
 * The final answer a model committed to, or null when it gave none: the last `\boxed{}` of the answer part
 * (see `answerPart`), else the last explicit statement there ("the answer is …"), else the answer part itself when
 * it is short (a value, a yes/no, a sentence or two — `readAnswerNumber` then needs one asserted number in it).
 * Never a number from the reasoning; a long answer part without a box or statement is no answer.
 */
export function extractFinalAnswer(response: string): string | null {
  const part = answerPart(response);
  if (part === null) return null;
  const box = lastBoxed(part);
  if (box !== null) return box;
  let stated: string | null = null;
  for (const m of part.matchAll(STATEMENT)) stated = m[1]!.trim().replace(/[.。]$/, "");
  if (stated) return stated;
  const plain = plainAnswerText(part.replace(/<\/?answer>/g, ""))
    .replace(/[.。]$/, "")
    .trim();
  if (plain && (parseBooleanAnswer(plain) !== null || plain.length <= SCORING_DEFAULTS.finqa.shortAnswerChars)) return plain;
  return null;
}

const GOLD_UNITS: ReadonlyArray<readonly [number, string]> = [
  [1e3, "thousands"],
  [1e4, "万"],
  [1e6, "millions"],
  [1e8, "亿"],
  [1e9, "billions"],
];
const DECREASE_QUESTION = /\b(?:decrease|decline|drop|fall|loss|reduction|lower)|下降|减少|降低|亏损|下滑/i;

/**
 * The readings of a prediction that may equal the gold, each with why it counts:
 * - the meant value (9.37% → 0.0937, $1.2 million → 1.2e6, 1/8 → 0.125, "a decrease of 5.3%" → -0.053);
 * - with a scale word, the amount in thousands, 万, millions, 亿 or billions (a gold in the table's units: "$1,234
 *   million" or "$1.234 billion" for a gold of 1234 in millions) — only when the answer names its scale;
 * - the printed number of a percent when the gold is itself in percentage points (|gold| > 1: "12.5%" for 12.5);
 * - a bare number read as a percent when the gold is a ratio (|gold| ≤ 1: "9.37" for 0.0937) — never the other
 *   way (12.34 is not 1234 dollars) and never for a printed "%" (0.125% is 0.00125, not 0.125);
 * - the magnitude of a worded decrease when the question asks for the decrease ("what was the decline …");
 * - with `scaleEither`, 10^3/10^6/10^9 multiples of the value.
 */
function readingsOf(p: NumericReading, gold: number, options: FinqaMatchOptions): Array<[number, string]> {
  const d = SCORING_DEFAULTS.finqa;
  const out: Array<[number, string]> = [[p.value, `${p.text} means ${fmt(p.value)}`]];
  if (p.unit === "scale")
    for (const [f, name] of GOLD_UNITS) out.push([p.value / f, `${p.text} in ${name} is ${fmt(p.value / f)} (the gold in the table's units)`]);
  if (p.unit === "percent" && Math.abs(gold) > 1) out.push([p.printed, `the gold is in percentage points, ${p.text} is ${fmt(p.printed)}`]);
  if (p.unit === null && Math.abs(gold) <= 1 && (options.percentEither ?? d.percentEither))
    out.push([p.printed / 100, `the gold is a ratio, ${p.text} read as a percent is ${fmt(p.printed / 100)}`]);
  if (p.signFromWord && options.question && DECREASE_QUESTION.test(options.question))
    for (const [v, how] of [...out]) out.push([-v, `the question asks for the decrease; ${how} in size`]);
  if (options.scaleEither ?? d.scaleEither) for (const f of [1e3, 1e6, 1e9, 1e-3, 1e-6, 1e-9]) out.push([p.value * f, `scale_either: ${p.text} × ${f}`]);
  return out;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

function within(a: number, b: number, relTol: number, absTol: number): boolean {
  return Math.abs(a - b) <= Math.max(absTol, relTol * Math.abs(b));
}

/** Why the prediction matches the gold within max(absTol, relTol·|gold|), or null when no reading does. Signs are never ignored. */
export function finqaMatchReason(predicted: NumericReading, gold: number, options: FinqaMatchOptions = {}): string | null {
  const d = SCORING_DEFAULTS.finqa;
  const relTol = options.relTol ?? d.relTol;
  const absTol = options.absTol ?? d.absTol;
  for (const [value, how] of readingsOf(predicted, gold, options)) if (within(value, gold, relTol, absTol)) return how;
  return null;
}

export function finqaNumericMatch(predicted: NumericReading, gold: number, options: FinqaMatchOptions = {}): boolean {
  return finqaMatchReason(predicted, gold, options) !== null;
}

/** Score a model response against a FinQA gold with the deterministic rules above; `why` says what was read and decided. */
export function scoreFinqa(response: string | null | undefined, gold: FinqaGold, options: FinqaMatchOptions = {}): FinqaScore {
  const none = { answerText: null, predicted: null, correct: false } as const;
  if (typeof response !== "string") return { ...none, reason: "no-output", why: "no answer content" };
  const part = answerPart(response);
  if (part !== null && endsInOpenBox(part)) return { ...none, reason: "no-answer", why: "the answer box is never closed (truncated?)" };
  const answerText = extractFinalAnswer(response);
  if (answerText === null) {
    const why =
      part === null
        ? "the output ends inside <think>: no committed answer (truncated?)"
        : "no box, no 'the answer is …', and the committed answer is too long to read as one";
    return { ...none, reason: "no-answer", why };
  }
  const goldBool = typeof gold === "string" ? parseBooleanAnswer(gold) : null;
  if (goldBool !== null) {
    const predicted = parseBooleanAnswer(answerText);
    if (predicted === null) return { correct: false, answerText, predicted: null, reason: "unparseable", why: `no yes/no in "${answerText}"` };
    const correct = predicted === goldBool;
    return { correct, answerText, predicted, reason: correct ? "ok" : "wrong", why: `read ${predicted ? "yes" : "no"}, gold ${goldBool ? "yes" : "no"}` };
  }
  const goldValue = typeof gold === "number" ? gold : parseNumericAnswer(gold)?.value;
  if (goldValue === undefined || !Number.isFinite(goldValue)) {
    return { correct: false, answerText, predicted: null, reason: "bad-gold", why: `the gold ${JSON.stringify(gold)} is not a number or yes/no` };
  }
  const read = readAnswerNumber(answerText);
  if (read.kind === "none") return { correct: false, answerText, predicted: null, reason: "unparseable", why: `no number in "${answerText}"` };
  if (read.kind === "ambiguous") {
    const values = read.readings.map((r) => r.text).join(" and ");
    return { correct: false, answerText, predicted: null, reason: "ambiguous", why: `two candidate answers (${values}) in "${answerText}"` };
  }
  const predicted = read.reading;
  const how = finqaMatchReason(predicted, goldValue, options);
  if (how !== null) return { correct: true, answerText, predicted, reason: "ok", why: `${how}, gold ${fmt(goldValue)}` };
  return { correct: false, answerText, predicted, reason: "wrong", why: `${predicted.text} means ${fmt(predicted.value)}; gold ${fmt(goldValue)}` };
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
