// CCC (Chinese Compliance Check) scoring: does the model's verdict label match the gold label?
// CCC is proprietary and its scorer unpublished; the natural reading is accuracy of the final verdict.
import { answerPart, lastBoxed, reasoningLayout } from "./answer.js";

export type CccVerdict = "violation" | "compliant";

// Whole-label table, checked after normalisation. Substring matching is unsafe here: "不合规" contains
// "合规" and "不违规" contains "违规", so only complete labels are recognised.
// 是/否 and yes/no are read as answers to "does this dialogue violate the rules?".
const LABELS: Record<string, CccVerdict> = {
  违规: "violation",
  不合规: "violation",
  存在违规: "violation",
  有违规: "violation",
  违反: "violation",
  是: "violation",
  "是，违规": "violation",
  违规行为: "violation",
  客服违规: "violation",
  violation: "violation",
  violated: "violation",
  violating: "violation",
  "non-compliant": "violation",
  noncompliant: "violation",
  "not compliant": "violation",
  "has violation": "violation",
  "compliance violation": "violation",
  yes: "violation",
  合规: "compliant",
  不违规: "compliant",
  未违规: "compliant",
  无违规: "compliant",
  没有违规: "compliant",
  不存在违规: "compliant",
  否: "compliant",
  "否，合规": "compliant",
  compliant: "compliant",
  "no violation": "compliant",
  "not violated": "compliant",
  "non-violation": "compliant",
  "not a violation": "compliant",
  no: "compliant",
};

/** Lowercase, NFKC, no LaTeX wrappers, no surrounding quotes/punctuation, single spaces. */
export function normalizeLabel(text: string): string {
  let t = text.normalize("NFKC");
  for (let previous = ""; previous !== t;) {
    previous = t;
    t = t.replace(/\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}/g, "$1");
  }
  return t
    .toLowerCase()
    .replace(/[$"'“”‘’「」《》*]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[\s.,:;!?。，：；！？、]+|[\s.,:;!?。，：；！？、]+$/g, "");
}

/**
 * Map a label to violation / compliant, Chinese or English ("违规", "不合规", "Non-compliant" → violation;
 * "合规", "未违规", "No violation" → compliant). `extra` adds project-specific labels (keys are normalised).
 */
export function cccVerdict(label: string, extra: Record<string, CccVerdict> = {}): CccVerdict | null {
  const key = normalizeLabel(label);
  for (const [k, v] of Object.entries(extra)) if (normalizeLabel(k) === key) return v;
  return LABELS[key] ?? null;
}

export interface CccScore {
  correct: boolean;
  /** The label text read from the response, or null. */
  predictedLabel: string | null;
  predicted: CccVerdict | null;
  reason: "ok" | "wrong" | "no-output" | "no-label" | "bad-gold";
}

/**
 * Read the final label (last box in <answer>, else last box anywhere, else the whole answer block) and
 * compare it with the gold. Binary labels compare by verdict; labels outside the table (e.g. a violation
 * category) compare as normalised text.
 */
export function scoreCcc(response: string | null | undefined, gold: string, options: { extraLabels?: Record<string, CccVerdict> } = {}): CccScore {
  if (typeof response !== "string") return { correct: false, predictedLabel: null, predicted: null, reason: "no-output" };
  // Only the committed answer counts: a box inside the reasoning is not a verdict.
  const layout = reasoningLayout(response);
  const part = answerPart(response);
  const label = (part === null ? null : lastBoxed(part)) ?? (layout.ok ? layout.answer : null);
  if (label === null || normalizeLabel(label) === "") {
    return { correct: false, predictedLabel: null, predicted: null, reason: "no-label" };
  }
  const extra = options.extraLabels ?? {};
  const goldVerdict = cccVerdict(gold, extra);
  const predicted = cccVerdict(label, extra);
  if (goldVerdict === null) {
    if (normalizeLabel(gold) === "") return { correct: false, predictedLabel: label, predicted, reason: "bad-gold" };
    const correct = normalizeLabel(label) === normalizeLabel(gold);
    return { correct, predictedLabel: label, predicted, reason: correct ? "ok" : "wrong" };
  }
  const correct = predicted === goldVerdict;
  return { correct, predictedLabel: label, predicted, reason: correct ? "ok" : "wrong" };
}
