// CCC (Chinese Compliance Check) scoring: does the verdict the model committed to match the gold label?
// CCC is proprietary and its scorer unpublished; the natural reading is accuracy of the final verdict.
import { answerPart, lastBoxed } from "./answer.js";
import { normalizeLabel, readVerdict, type CccVerdict } from "./ccc-labels.js";

export { cccVerdict, normalizeLabel, readVerdict, type CccVerdict, type LabelReading } from "./ccc-labels.js";

export interface CccScore {
  correct: boolean;
  /** The label text read from the response, or null. */
  predictedLabel: string | null;
  predicted: CccVerdict | null;
  reason: "ok" | "wrong" | "no-output" | "no-label" | "ambiguous" | "bad-gold";
  /** The grader's reason in words. */
  why: string;
}

/** A gold label: a clean binary label (violation/compliant, 违规/合规, …) or else a category compared as text. */
function goldVerdict(gold: string, extra: Record<string, CccVerdict>): CccVerdict | null {
  const r = readVerdict(gold, extra);
  return r.verdict !== null && r.how.startsWith("label") ? r.verdict : null;
}

/**
 * Read the verdict from the committed answer (see `answerPart`: the answer block, the text after `</think>`, or the
 * whole content when there are no think tags, as a reasoning parser returns it): its last box, else the whole
 * committed text. Binary golds compare by verdict; other labels (a violation category) compare as normalised text.
 */
export function scoreCcc(response: string | null | undefined, gold: string, options: { extraLabels?: Record<string, CccVerdict> } = {}): CccScore {
  const none = { correct: false, predictedLabel: null, predicted: null } as const;
  if (typeof response !== "string") return { ...none, reason: "no-output", why: "no answer content" };
  const part = answerPart(response);
  if (part === null) return { ...none, reason: "no-label", why: "the output ends inside <think>: no committed answer (truncated?)" };
  const box = lastBoxed(part);
  const label = (box ?? part).replace(/<\/?answer>/g, "").trim();
  if (normalizeLabel(label) === "") return { ...none, reason: "no-label", why: box === null ? "empty committed answer" : "empty box" };
  const extra = options.extraLabels ?? {};
  const reading = readVerdict(label, extra);
  const from = box === null ? "the committed text" : "the last box";
  const wanted = goldVerdict(gold, extra);
  if (wanted === null) {
    if (normalizeLabel(gold) === "") return { ...none, predictedLabel: label, reason: "bad-gold", why: "empty gold label" };
    const correct = normalizeLabel(label) === normalizeLabel(gold);
    return {
      correct,
      predictedLabel: label,
      predicted: reading.verdict,
      reason: correct ? "ok" : "wrong",
      why: `${from} reads "${normalizeLabel(label)}", gold category "${normalizeLabel(gold)}"`,
    };
  }
  if (reading.verdict === null) {
    return { ...none, predictedLabel: label, reason: "ambiguous" in reading ? "ambiguous" : "no-label", why: `${from}: ${reading.how}` };
  }
  const correct = reading.verdict === wanted;
  return {
    correct,
    predictedLabel: label,
    predicted: reading.verdict,
    reason: correct ? "ok" : "wrong",
    why: `${from}: ${reading.how} → ${reading.verdict}; gold ${wanted}`,
  };
}
