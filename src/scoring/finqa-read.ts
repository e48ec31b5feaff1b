// Reading the number a FinQA answer asserts: fractions, units and scale words, sign words, and which numbers are not
// the answer (a year, a comparison figure, the operands of a worked calculation). Rules are listed in the README
// ("Scoring rules", FinQA) in the same order as here.

export interface NumericReading {
  /** The number as printed, sign applied, separators removed ("(1,234)" → -1234, "9.37%" → 9.37, "1/8" → 0.125). */
  printed: number;
  /** The value the text means: percent divided by 100, bp by 10,000, "million" multiplied by 1e6, … */
  value: number;
  unit: "percent" | "bp" | "scale" | null;
  /** The sign came from a word ("a decrease of 5.3%"), not from a minus sign or accounting parentheses. */
  signFromWord?: boolean;
  /** The token as it appears in the plain text, for reasons. */
  text: string;
}

export type AnswerNumber = { kind: "one"; reading: NumericReading } | { kind: "none" } | { kind: "ambiguous"; readings: NumericReading[] };

/** Turn LaTeX and typographic variants into plain text: \text{x} → x, \frac{1}{8} → 1/8, \% → %, − → -, full-width → ASCII. */
export function plainAnswerText(text: string): string {
  let t = text.normalize("NFKC");
  for (let previous = ""; previous !== t;) {
    previous = t;
    t = t
      .replace(/\\(?:text|textbf|textrm|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}/g, "$1")
      .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "$1/$2")
      .replace(/\\[dt]?frac\s*(\d)\s*(\d)/g, "$1/$2");
  }
  return t
    .replace(/\\left|\\right/g, "")
    .replace(/\\approx|≈/g, "=")
    .replace(/\\times/g, "×")
    .replace(/\\([%$])/g, "$1")
    .replace(/\\[,;:! ]|\\quad|\\qquad|~/g, " ")
    .replace(/[{}]/g, "")
    .replace(/[\u2212\u2012\u2013\u2014\uFE63]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

const NUM = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+`;
// A number with optional accounting parentheses, sign, currency and a fraction bar: "-$1,234.5", "(1,234)", "1/8".
const TOKEN = new RegExp(
  String.raw`(?<![\d.,/\w])(\(\s*)?([-+])?\s*(?:US\$|[$¥€£]|RMB|CNY|USD)?\s*(\(\s*)?([-+])?\s*(${NUM})(?:\s*/\s*(${NUM}))?(?![\d/])(\s*\))?`,
  "g",
);

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

// A figure the answer compares with rather than asserts: "up from 10%", "compared with 2018", "vs. 8", "较上年 5%".
const COMPARISON = /\b(?:from|compared|comparison|versus|vs\.?|than|relative to|against|prior|previous|last year)\b|相比|相较|较|同比|环比|上年|去年/i;
// "…, so the increase is 42", "因此增长了 42": only the text after the last conclusion marker states the answer.
const CONCLUSION = /\b(?:therefore|thus|hence|so)\b|因此|所以|故/gi;
// What joins a comparison figure to the next one of the same range: "from 100 to 142", "10% in 2018".
const CONTINUES = /^[\s,%]*(?:to|and|in|for|至|到|和)?[\s,]*$/i;
// Words that make an unsigned number a decrease: before it ("a decrease of 5.3%", "下降了5.3%") or right after it ("5.3% lower").
const DECREASE_BEFORE =
  /(?:\b(?:decrease[sd]?|declin(?:e|ed|es|ing)|fell|fall(?:s|en)?|dropp?(?:ed|s)?|down|lower|loss(?:es)?|negative|reduc(?:ed|tion)|shr[au]nk)\b|下降|减少|降低|亏损|下滑|下跌|减)[^\d]{0,16}$/i;
const DECREASE_AFTER = /^\s*(?:decrease|decline|drop|fall|lower|less|loss|reduction|下降|减少|降低|亏损)/i;

interface Token extends NumericReading {
  start: number;
  end: number;
  /** A comparison figure or a detail in brackets ("(2016: 142)", "12.5% (0.125)"): not what the answer asserts. */
  aside: boolean;
  yearLike: boolean;
}

/** [open, close] index pairs of the bracketed groups of `t`. */
function bracketSpans(t: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const open: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] === "(") open.push(i);
    else if (t[i] === ")" && open.length) spans.push([open.pop()!, i]);
  }
  return spans;
}

function unitOf(after: string, printed: number): Pick<NumericReading, "value" | "unit"> {
  if (PERCENT_WORDS.test(after)) return { value: printed / 100, unit: "percent" };
  if (BP_WORDS.test(after)) return { value: printed / 10_000, unit: "bp" };
  for (const [word, factor] of SCALE_WORDS) if (word.test(after)) return { value: printed * factor, unit: "scale" };
  return { value: printed, unit: null };
}

function tokens(t: string): Token[] {
  const out: Token[] = [];
  const spans = bracketSpans(t);
  let previousAside = false;
  let previousEnd = 0;
  for (const m of t.matchAll(TOKEN)) {
    const [whole, openA, signA, openB, signB, digits, denominator, close] = m;
    const start = m.index ?? 0;
    const gap = t.slice(previousEnd, start);
    // The figure right after a comparison marker, and the rest of its range ("from 2017 to 2018", "10% in 2018").
    const comparison: boolean = COMPARISON.test(gap) || (previousAside && CONTINUES.test(gap));
    let printed = Number((digits ?? "").replace(/,/g, ""));
    if (denominator !== undefined) printed /= Number(denominator.replace(/,/g, ""));
    if (!Number.isFinite(printed)) continue;
    const sign = signA ?? signB;
    const end = start + whole.length;
    const ownBrackets = Boolean((openA || openB) && close);
    // A bracketed number right after another one restates it ("12.5% (0.125)"); alone it is an accounting negative.
    const restated = ownBrackets && out.length > 0 && /^\s*(?:%|percent|thousand|million|billion|bps?|万|亿)?\s*$/i.test(gap);
    const inBrackets = spans.some(([a, b]) => a < start && b >= end - 1);
    const explicitNegative = sign === "-" || (ownBrackets && !restated);
    const after = t.slice(end).trimStart();
    const signFromWord =
      !explicitNegative && sign !== "+" && (DECREASE_BEFORE.test(t.slice(previousEnd, start)) || DECREASE_AFTER.test(after.replace(PERCENT_WORDS, "")));
    if (explicitNegative || signFromWord) printed = -printed;
    const { value, unit } = unitOf(after, printed);
    const yearLike = unit === null && !sign && denominator === undefined && /^(?:19|20)\d{2}$/.test(digits ?? "");
    const aside: boolean = comparison || restated || inBrackets;
    previousAside = aside;
    out.push({ printed, value, unit, text: whole.trim(), start, end, aside, yearLike, ...(signFromWord ? { signFromWord } : {}) });
    previousEnd = end;
  }
  return out;
}

const sameValue = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * The number an answer asserts. In order: after the last "=" of a worked calculation only the result counts, and
 * after the last conclusion marker ("so", "therefore", "因此") only what follows; a comparison figure ("up from
 * 10%", "vs. 2018", "较上年") or a detail in brackets ("(2016: 142)") is not the answer when another number is there,
 * nor is a year (1900–2099, bare integer), which answers only when it is all the text says; what is left must be
 * one value (several spellings of the same value are one) — two different values are ambiguous.
 */
export function readAnswerNumber(text: string): AnswerNumber {
  let t = plainAnswerText(text).replace(/\b((?:19|20)\d{2})\s*-\s*((?:19|20)\d{2})\b/g, "$1 to $2");
  const eq = t.lastIndexOf("=");
  if (eq !== -1 && /\d/.test(t.slice(eq + 1))) t = t.slice(eq + 1);
  const conclusion = [...t.matchAll(CONCLUSION)].at(-1);
  if (conclusion && /\d/.test(t.slice((conclusion.index ?? 0) + conclusion[0].length))) t = t.slice((conclusion.index ?? 0) + conclusion[0].length);
  let found = tokens(t);
  if (found.length === 0) return { kind: "none" };
  const asserted = found.filter((x) => !x.aside);
  if (asserted.length > 0) found = asserted;
  const notYears = found.filter((x) => !x.yearLike);
  if (notYears.length > 0) found = notYears;
  // A year is an answer only when it is all the answer says ("\boxed{2019}"), not a date in a sentence.
  else if (/\p{L}/u.test(t.replace(/[a-z]*boxed/gi, ""))) return { kind: "none" };
  const distinct: NumericReading[] = [];
  for (const { start: _s, end: _e, aside: _a, yearLike: _y, ...reading } of found) {
    if (!distinct.some((d) => sameValue(d.value, reading.value))) distinct.push(reading);
  }
  return distinct.length === 1 ? { kind: "one", reading: distinct[0]! } : { kind: "ambiguous", readings: distinct };
}

/** The single number an answer asserts (see `readAnswerNumber`), or null when it has none or is ambiguous. */
export function parseNumericAnswer(text: string): NumericReading | null {
  const r = readAnswerNumber(text);
  return r.kind === "one" ? r.reading : null;
}

const YES = new Set(["yes", "true", "是", "对", "正确"]);
const NO = new Set(["no", "false", "否", "不是", "错", "错误"]);

/** "yes"/"no"-style answers (FinQA's `greater` questions), also as the first word ("Yes, it was higher"), else null. */
export function parseBooleanAnswer(text: string): boolean | null {
  const t = plainAnswerText(text)
    .toLowerCase()
    .replace(/[.!。！]+$/, "")
    .trim();
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  const first = /^(yes|no|true|false)\b[,.;:]|^(是|否|不是|对|错)[，,。；]/.exec(t);
  if (!first) return null;
  const word = first[1] ?? first[2]!;
  return YES.has(word) ? true : NO.has(word) ? false : null;
}
