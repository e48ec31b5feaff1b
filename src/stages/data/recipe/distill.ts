// Distillation with verification: each pending item gets a reasoning + answer from the `distill` model (compliance
// dialogues with multi-agent traces get one merged trace from the `merge` model instead), the target is checked,
// and items that fail are tried again, up to max_attempts. MCQs still failing go to the RL pool (the paper's gate);
// other sets drop them. Each attempt is a distinct request (its own seed), so a retry is a new sample, while a
// rerun repeats the very same requests and gets their answers from the journals.
import type { ComplianceDialogue } from "../../../data/sources/index.js";
import type { ChatRequest } from "../../../llm/index.js";
import { checksText, dialogueText, type RecipeItem } from "./items.js";
import type { ItemContext } from "./item-context.js";
import type { ItemVerdict } from "./ledger.js";
import type { Prompts } from "./prompts.js";
import { parseReply } from "./response.js";
import { renderTemplate } from "./template.js";
import { judgePrompt, readJudgement, ruleCheck } from "./verify.js";

export function tracesText(d: ComplianceDialogue): string {
  const checks = new Map(d.checks.map((c) => [c.id, c.description]));
  return (d.traces ?? [])
    .map((t, i) => `${i + 1}. [${t.agent}]${t.check ? `（规则：${checks.get(t.check) ?? t.check}）` : ""}\n推理：${t.reasoning}\n结论：${t.answer}`)
    .join("\n\n");
}

function mergesTraces(item: RecipeItem): boolean {
  return (item.dialogue?.traces?.length ?? 0) > 0;
}

export function mergePrompt(item: RecipeItem, prompts: Prompts): string {
  const d = item.dialogue!;
  return renderTemplate(prompts.merge, { dialogue: dialogueText(d), checks: checksText(d), traces: tracesText(d), verdict: item.reference });
}

/** How one distillation attempt of an item ended (for the per-attempt counts in the log). */
export type AttemptEnd = "passed" | "failed" | "unanswered";

export interface DistilledItem {
  verdict: ItemVerdict;
  /** The SFT target, when the item passed. */
  target?: string;
  attempts: AttemptEnd[];
}

/** Generation (distill, or merge for dialogues with traces) then verification, attempt after attempt. */
export async function distillItem(item: RecipeItem, order: number, ctx: ItemContext): Promise<DistilledItem> {
  const attempts: AttemptEnd[] = [];
  let lastReason = "failed";
  for (let attempt = 1; attempt <= ctx.maxAttempts; attempt++) {
    const step = mergesTraces(item) ? "merge" : "distill";
    const prompt = step === "merge" ? mergePrompt(item, ctx.prompts) : item.instruction;
    const outcome = await tryOnce(item, order, attempt, step, ctx.requests.build(step, prompt, item.id, attempt), ctx);
    if ("unfinished" in outcome) {
      attempts.push("unanswered");
      return { verdict: { ...outcome.unfinished, attempts: attempt }, attempts };
    }
    if (outcome.pass) {
      attempts.push("passed");
      return { verdict: { status: "sft", attempts: attempt }, target: outcome.target, attempts };
    }
    attempts.push("failed");
    lastReason = outcome.reason;
  }
  const verdict: ItemVerdict =
    item.set === "cflue_mcq"
      ? { status: "rl", reason: lastReason, attempts: ctx.maxAttempts }
      : { status: "rejected", reason: `failed-verification: ${lastReason}`, attempts: ctx.maxAttempts };
  return { verdict, attempts };
}

type TryOutcome = { pass: true; target: string } | { pass: false; reason: string } | { unfinished: ItemVerdict };

async function tryOnce(
  item: RecipeItem,
  order: number,
  attempt: number,
  step: "distill" | "merge",
  request: ChatRequest,
  ctx: ItemContext,
): Promise<TryOutcome> {
  const r = await ctx.llm.call(step, request, order);
  if (r.failure) return { unfinished: { status: "unfinished", reason: `distill: ${r.failure.reason}`, message: r.failure.message } };
  if (!r.value.ok) return { pass: false, reason: `request-${r.value.reason}` };
  const parsed = parseReply(r.value.reply);
  if (!parsed.ok) return { pass: false, reason: parsed.problem };
  const check = ruleCheck(item, parsed.target);
  if (check) return check.pass ? { pass: true, target: parsed.target } : { pass: false, reason: check.reason };
  const j = await ctx.llm.call("judge", ctx.requests.build("judge", judgePrompt(item, parsed.answer, ctx.prompts), item.id, attempt), order);
  if (j.failure) return { unfinished: { status: "unfinished", reason: `judge: ${j.failure.reason}`, message: j.failure.message } };
  if (!j.value.ok) return { pass: false, reason: `judge-${j.value.reason}` };
  const judged = readJudgement(j.value.reply.content);
  return judged.pass ? { pass: true, target: parsed.target } : { pass: false, reason: judged.reason };
}
