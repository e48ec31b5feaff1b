// Verification of a distilled target (the paper's "answer check or reasoning check"):
// - CFLUE multiple choice: the letters in the answer's last \boxed{} must equal the gold (the RL reward's rule);
// - compliance: the boxed verdict must equal the labelled verdict;
// - open-ended and FinQA: the `judge` model compares the answer with the reference and its explanation.
import { cflueRewardDetail, parseJudgeVerdict, scoreCcc } from "../../../scoring/index.js";
import type { RecipeItem } from "./items.js";
import type { Prompts } from "./prompts.js";
import { renderTemplate } from "./template.js";

/** Checks that need no model; undefined for items that go to the judge. */
export function ruleCheck(item: RecipeItem, target: string): { pass: boolean; reason: string } | undefined {
  if (item.set === "cflue_mcq") {
    const d = cflueRewardDetail(target, item.reference);
    return { pass: d.score === 1, reason: d.problem ?? (d.score === 1 ? "ok" : "wrong-answer") };
  }
  if (item.set === "ccc") {
    const s = scoreCcc(target, item.reference);
    return { pass: s.correct, reason: s.correct ? "ok" : s.reason === "wrong" ? "wrong-answer" : s.reason };
  }
  return undefined;
}

export function judgePrompt(item: RecipeItem, answer: string, prompts: Prompts): string {
  return renderTemplate(prompts.judge, { question: item.question, reference: item.reference, explanation: item.explanation || "(none)", response: answer });
}

export function readJudgement(content: string | null): { pass: boolean; reason: string } {
  const v = parseJudgeVerdict(content).verdict;
  return v === 1 ? { pass: true, reason: "ok" } : { pass: false, reason: v === 0 ? "judged-wrong" : "judge-unreadable" };
}
