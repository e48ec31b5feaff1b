// Conversion step: a seeded share of CFLUE multiple-choice items is offered to the `convert` model, which rewrites
// each as an open-ended question with a reference answer, or declines (\boxed{NOT_CONVERTIBLE}). A converted item
// leaves the MCQ set for the open-ended one; a declined or unreadable one stays a multiple-choice item.
import { RL_ROW_DEFAULTS } from "../../../data/rl-rows.js";
import { tagContent } from "../../../scoring/index.js";
import { convertedItem, optionLines, type RecipeItem } from "./items.js";
import type { RecipeLlm } from "./llm-step.js";
import type { Prompts } from "./prompts.js";
import { seededUnit, type RequestBuilder } from "./requests.js";
import { renderTemplate } from "./template.js";
import type { ItemVerdict } from "./ledger.js";

export interface ConvertResult {
  items: RecipeItem[];
  verdicts: Map<string, ItemVerdict>;
  converted: number;
  declined: number;
}

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

export async function convertStep(
  items: readonly RecipeItem[],
  opts: { seed: number; fraction: number; llm: RecipeLlm; requests: RequestBuilder; prompts: Prompts },
): Promise<ConvertResult> {
  const candidates = items.filter((i) => isConversionCandidate(i, opts.seed, opts.fraction));
  const results = await opts.llm.run(
    "convert",
    candidates.map((item) => ({ item, request: opts.requests.build("convert", convertPrompt(item, opts.prompts), item.id) })),
  );
  const byId = new Map(results.map((r) => [r.item.id, r]));
  const verdicts = new Map<string, ItemVerdict>();
  const out: RecipeItem[] = [];
  let converted = 0;
  let declined = 0;
  for (const item of items) {
    const r = byId.get(item.id);
    if (!r) {
      out.push(item);
      continue;
    }
    if (r.failure) {
      verdicts.set(item.id, { status: "unfinished", reason: `convert: ${r.failure.reason}`, message: r.failure.message });
      continue;
    }
    const parsed = r.value!.ok ? parseConversion(r.value!.reply.content) : null;
    if (parsed) {
      out.push(convertedItem(item, parsed.question, parsed.reference, opts.prompts));
      converted++;
    } else {
      out.push(item);
      declined++;
    }
  }
  return { items: out, verdicts, converted, declined };
}
