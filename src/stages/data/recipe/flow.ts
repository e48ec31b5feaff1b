// Every item moves through its own steps — ambiguity check → conversion → distillation (or merge) → verification,
// retried up to max_attempts — as soon as its previous step is done: no step waits for the slowest request of another
// item, so a hung request delays only its own item. The outcomes are kept by item, in input order, so the outputs do
// not depend on which request finished first.
import { convertItem, isConversionCandidate } from "./convert.js";
import { distillItem, type AttemptEnd } from "./distill.js";
import { checkItem, isChecked } from "./filter.js";
import type { ItemContext } from "./item-context.js";
import type { RecipeItem } from "./items.js";
import type { ItemVerdict } from "./ledger.js";

export interface ItemOutcome {
  /** The item as it ends (a converted MCQ is an open-ended item). */
  item: RecipeItem;
  verdict: ItemVerdict;
  target?: string;
  check?: "kept" | "dropped" | "unfinished";
  convert?: "converted" | "declined" | "unfinished";
  attempts: AttemptEnd[];
}

export async function runItem(item: RecipeItem, order: number, ctx: ItemContext): Promise<ItemOutcome> {
  const outcome: Omit<ItemOutcome, "verdict"> = { item, attempts: [] };
  if (ctx.ambiguityCheck && isChecked(item)) {
    const dropped = await checkItem(item, order, ctx);
    if (dropped) return { ...outcome, verdict: dropped, check: dropped.status === "unfinished" ? "unfinished" : "dropped" };
    outcome.check = "kept";
  }
  if (ctx.convertFraction > 0 && isConversionCandidate(item, ctx.seed, ctx.convertFraction)) {
    const converted = await convertItem(item, order, ctx);
    if ("unfinished" in converted) return { ...outcome, verdict: converted.unfinished, convert: "unfinished" };
    outcome.item = converted.item;
    outcome.convert = converted.converted ? "converted" : "declined";
  }
  const distilled = await distillItem(outcome.item, order, ctx);
  return { ...outcome, verdict: distilled.verdict, attempts: distilled.attempts, ...(distilled.target !== undefined ? { target: distilled.target } : {}) };
}

/** The log's summary of each step, counted over the outcomes. */
export function stepSummaries(outcomes: readonly ItemOutcome[], maxAttempts: number): string[] {
  const count = (pick: (o: ItemOutcome) => boolean) => outcomes.filter(pick).length;
  const lines: string[] = [];
  if (outcomes.some((o) => o.check))
    lines.push(
      `ambiguity check: ${count((o) => o.check === "kept")} kept, ${count((o) => o.check === "dropped" || o.check === "unfinished")} dropped or unfinished`,
    );
  if (outcomes.some((o) => o.convert))
    lines.push(`conversion: ${count((o) => o.convert === "converted")} MCQs rewritten as open-ended, ${count((o) => o.convert === "declined")} kept as MCQs`);
  for (let a = 1; a <= maxAttempts; a++) {
    const at = (end: AttemptEnd) => count((o) => o.attempts[a - 1] === end);
    if (!outcomes.some((o) => o.attempts.length >= a)) break;
    lines.push(
      `distillation attempt ${a}: ${at("passed")} passed verification, ${at("failed")} failed it${a < maxAttempts ? " (retried)" : " (MCQs go to the RL pool, others are rejected)"}, ${at("unanswered")} unanswered (request failed)`,
    );
  }
  return lines;
}
