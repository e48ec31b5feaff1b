// Filter step: drop items without a usable answer or with a question outside the length bounds, then (CFLUE only)
// ask the `check` model whether the item is ambiguous, as the paper does with GPT-4o.
import type { DataStageConfig } from "../config.js";
import { parseJudgeVerdict } from "../../../scoring/index.js";
import type { RecipeItem } from "./items.js";
import { optionLines } from "./items.js";
import type { ItemContext } from "./item-context.js";
import type { Prompts } from "./prompts.js";
import { renderTemplate } from "./template.js";
import type { ItemVerdict } from "./ledger.js";

export interface FilterResult {
  kept: RecipeItem[];
  verdicts: Map<string, ItemVerdict>;
}

/** Rule-based part: missing answers and length bounds. No model involved. */
export function ruleFilter(items: readonly RecipeItem[], config: DataStageConfig["filter"]): FilterResult {
  const kept: RecipeItem[] = [];
  const verdicts = new Map<string, ItemVerdict>();
  for (const item of items) {
    const chars = [...item.question.trim()].length;
    const reason =
      item.reference.trim() === ""
        ? "missing-answer"
        : chars < config.min_question_chars
          ? "too-short"
          : chars > config.max_question_chars
            ? "too-long"
            : undefined;
    if (reason) verdicts.set(item.id, { status: "rejected", reason });
    else kept.push(item);
  }
  return { kept, verdicts };
}

export function checkPrompt(item: RecipeItem, prompts: Prompts): string {
  return renderTemplate(prompts.check, {
    question: item.question,
    options: item.mcq ? optionLines(item.mcq.choices) : "",
    answer: item.reference,
    analysis: item.explanation || "（无）",
    question_type: item.mcq?.task ?? "问答题",
  });
}

/** Items the `check` model looks at: CFLUE (MCQ and open-ended). */
export function isChecked(item: RecipeItem): boolean {
  return item.source === "cflue_mcq" || item.source === "cflue_open";
}

/** Model-based part, for one CFLUE item: a verdict of 0 drops it; an unreadable verdict keeps it (undefined). */
export async function checkItem(item: RecipeItem, order: number, ctx: ItemContext): Promise<ItemVerdict | undefined> {
  const r = await ctx.llm.call("check", ctx.requests.build("check", checkPrompt(item, ctx.prompts), item.id), order);
  if (r.failure) return { status: "unfinished", reason: `check: ${r.failure.reason}`, message: r.failure.message };
  if (!r.value.ok) return { status: "rejected", reason: `check-${r.value.reason}` };
  if (parseJudgeVerdict(r.value.reply.content).verdict === 0) return { status: "rejected", reason: "ambiguous" };
  return undefined;
}
