// Conversion step: a seeded share of CFLUE multiple-choice items is offered to the `convert` model, which rewrites
// each as an open-ended question with a reference answer, or declines (\boxed{NOT_CONVERTIBLE}). A converted item
// leaves the MCQ set for the open-ended one; a declined or unreadable one stays a multiple-choice item.
import { RL_ROW_DEFAULTS } from "../../../data/rl-rows.js";
import { tagContent } from "../../../scoring/index.js";
import { convertedItem, optionLines, type RecipeItem } from "./items.js";
import type { ItemContext } from "./item-context.js";
import type { Prompts } from "./prompts.js";
import { seededUnit } from "./requests.js";
import { renderTemplate } from "./template.js";
import type { ItemVerdict } from "./ledger.js";

export function isConversionCandidate(item: RecipeItem, seed: number, fraction: number): boolean {
  return item.set === "cflue_mcq" && item.mcq !== undefined && seededUnit(seed, "convert", item.id) < fraction;
}

export function convertPrompt(item: RecipeItem, prompts: Prompts): string {
  const mcq = item.mcq!;
  return renderTemplate(prompts.convert, {
    question: mcq.question,
    options: optionLines(mcq.choices),
    answer: mcq.answer,
    analysis: mcq.analysis ?? "（无）",
    question_type: RL_ROW_DEFAULTS.questionTypes[mcq.task] ?? mcq.task,
  });
}

/** The rewritten question and reference, or null when the model declined or wrote something else. */
export function parseConversion(content: string | null): { question: string; reference: string } | null {
  if (!content || content.includes("NOT_CONVERTIBLE")) return null;
  const question = tagContent(content, "<question>", "</question>")?.trim();
  const reference = tagContent(content, "<reference>", "</reference>")?.trim();
  return question && reference ? { question, reference } : null;
}

/** Offers one candidate to the converter: the rewritten item, the item unchanged when declined, or why it is unfinished. */
export async function convertItem(
  item: RecipeItem,
  order: number,
  ctx: ItemContext,
): Promise<{ item: RecipeItem; converted: boolean } | { unfinished: ItemVerdict }> {
  const r = await ctx.llm.call("convert", ctx.requests.build("convert", convertPrompt(item, ctx.prompts), item.id), order);
  if (r.failure) return { unfinished: { status: "unfinished", reason: `convert: ${r.failure.reason}`, message: r.failure.message } };
  const parsed = r.value.ok ? parseConversion(r.value.reply.content) : null;
  return parsed ? { item: convertedItem(item, parsed.question, parsed.reference, ctx.prompts), converted: true } : { item, converted: false };
}
