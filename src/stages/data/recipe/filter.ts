// Filter step: drop items without a usable answer or with a question outside the length bounds, then (CFLUE only)
// ask the `check` model whether the item is ambiguous, as the paper does with GPT-4o.
import type { DataStageConfig } from "../config.js";
import { parseJudgeVerdict } from "../../../scoring/index.js";
import type { RecipeItem } from "./items.js";
import { optionLines } from "./items.js";
import type { RecipeLlm } from "./llm-step.js";
import type { Prompts } from "./prompts.js";
import type { RequestBuilder } from "./requests.js";
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

/** Model-based part, for CFLUE items: a verdict of 0 drops the item; an unreadable verdict keeps it. */
export async function ambiguityFilter(items: readonly RecipeItem[], llm: RecipeLlm, requests: RequestBuilder, prompts: Prompts): Promise<FilterResult> {
  const kept: RecipeItem[] = [];
  const verdicts = new Map<string, ItemVerdict>();
  const checked = items.filter((i) => i.source === "cflue_mcq" || i.source === "cflue_open");
  const results = await llm.run(
    "check",
    checked.map((item) => ({ item, request: requests.build("check", checkPrompt(item, prompts), item.id) })),
  );
  const byId = new Map(results.map((r) => [r.item.id, r]));
  for (const item of items) {
    const r = byId.get(item.id);
    if (!r) kept.push(item);
    else if (r.failure) verdicts.set(item.id, { status: "unfinished", reason: `check: ${r.failure.reason}`, message: r.failure.message });
    else if (!r.value!.ok) verdicts.set(item.id, { status: "rejected", reason: `check-${r.value!.reason}` });
    else if (parseJudgeVerdict(r.value!.reply.content).verdict === 0) verdicts.set(item.id, { status: "rejected", reason: "ambiguous" });
    else kept.push(item);
  }
  return { kept, verdicts };
}
