// Distillation with verification: each pending item gets a reasoning + answer from the `distill` model (compliance
// dialogues with multi-agent traces get one merged trace from the `merge` model instead), the target is checked,
// and items that fail are tried again, up to max_attempts. MCQs still failing go to the RL pool (the paper's gate);
// other sets drop them. Each attempt is a distinct request (its own seed), so a retry is a new sample, while a
// rerun repeats the very same requests and gets their answers from the journals.
import type { ComplianceDialogue } from "../../../data/sources/index.js";
import { checksText, dialogueText, type RecipeItem } from "./items.js";
import type { ItemVerdict } from "./ledger.js";
import type { RecipeLlm } from "./llm-step.js";
import type { Prompts } from "./prompts.js";
import type { RequestBuilder } from "./requests.js";
import { parseReply } from "./response.js";
import { renderTemplate } from "./template.js";
import { judgePrompt, readJudgement, ruleCheck } from "./verify.js";

export interface DistillResult {
  /** id → SFT target, for items that passed. */
  targets: Map<string, string>;
  verdicts: Map<string, ItemVerdict>;
}

export interface DistillOptions {
  maxAttempts: number;
  llm: RecipeLlm;
  requests: RequestBuilder;
  prompts: Prompts;
  /** Called after each attempt: items that passed verification, failed it (retried), or got no answer at all. */
  onAttempt?: (attempt: number, counts: { passed: number; retry: number; unanswered: number }) => void;
}

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

export async function distillStep(items: readonly RecipeItem[], opts: DistillOptions): Promise<DistillResult> {
  const targets = new Map<string, string>();
  const verdicts = new Map<string, ItemVerdict>();
  const lastReason = new Map<string, string>();
  let pending = [...items];
  for (let attempt = 1; attempt <= opts.maxAttempts && pending.length > 0; attempt++) {
    const merged = pending.filter(mergesTraces);
    const distilled = pending.filter((i) => !mergesTraces(i));
    const generated = [
      ...(await opts.llm.run(
        "distill",
        distilled.map((item) => ({ item, request: opts.requests.build("distill", item.instruction, item.id, attempt) })),
      )),
      ...(await opts.llm.run(
        "merge",
        merged.map((item) => ({ item, request: opts.requests.build("merge", mergePrompt(item, opts.prompts), item.id, attempt) })),
      )),
    ];
    const failed = new Set<string>();
    const toJudge: { item: RecipeItem; target: string; answer: string }[] = [];
    for (const r of generated) {
      const id = r.item.id;
      if (r.failure) {
        verdicts.set(id, { status: "unfinished", reason: `distill: ${r.failure.reason}`, message: r.failure.message, attempts: attempt });
        continue;
      }
      if (!r.value!.ok) {
        failed.add(id);
        lastReason.set(id, `request-${r.value!.reason}`);
        continue;
      }
      const parsed = parseReply(r.value!.reply);
      if (!parsed.ok) {
        failed.add(id);
        lastReason.set(id, parsed.problem);
        continue;
      }
      const check = ruleCheck(r.item, parsed.target);
      if (!check) toJudge.push({ item: r.item, target: parsed.target, answer: parsed.answer });
      else if (check.pass) {
        targets.set(id, parsed.target);
        verdicts.set(id, { status: "sft", attempts: attempt });
      } else {
        failed.add(id);
        lastReason.set(id, check.reason);
      }
    }
    const judged = await opts.llm.run(
      "judge",
      toJudge.map((j) => ({ item: j, request: opts.requests.build("judge", judgePrompt(j.item, j.answer, opts.prompts), j.item.id, attempt) })),
    );
    for (const r of judged) {
      const id = r.item.item.id;
      if (r.failure) verdicts.set(id, { status: "unfinished", reason: `judge: ${r.failure.reason}`, message: r.failure.message, attempts: attempt });
      else if (!r.value!.ok) {
        failed.add(id);
        lastReason.set(id, `judge-${r.value!.reason}`);
      } else {
        const j = readJudgement(r.value!.reply.content);
        if (j.pass) {
          targets.set(id, r.item.target);
          verdicts.set(id, { status: "sft", attempts: attempt });
        } else {
          failed.add(id);
          lastReason.set(id, j.reason);
        }
      }
    }
    const unanswered = pending.filter((i) => verdicts.get(i.id)?.status === "unfinished").length;
    const passed = pending.filter((i) => verdicts.get(i.id)?.status === "sft").length;
    pending = pending.filter((i) => failed.has(i.id));
    opts.onAttempt?.(attempt, { passed, retry: pending.length, unanswered });
  }
  for (const item of pending) {
    const reason = lastReason.get(item.id) ?? "failed";
    verdicts.set(
      item.id,
      item.set === "cflue_mcq"
        ? { status: "rl", reason, attempts: opts.maxAttempts }
        : { status: "rejected", reason: `failed-verification: ${reason}`, attempts: opts.maxAttempts },
    );
  }
  return { targets, verdicts };
}
