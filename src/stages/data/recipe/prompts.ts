// The recipe's prompts: which template files exist, their placeholders, and the user's overrides.
// The CFLUE multiple-choice instruction is the RL prompt template (src/assets/prompts/cflue_mcq_rl.txt), so the SFT
// and RL data ask the same question the same way.
import { RL_ROW_DEFAULTS } from "../../../data/rl-rows.js";
import { loadTemplate, type Template, type TemplateSpec } from "./template.js";
import { distPath } from "../../../util/dist-path.js";

export const PROMPT_NAMES = ["question_mcq", "question_oe", "question_finqa", "question_ccc", "check", "convert", "judge", "merge"] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];

export const PROMPT_SPECS: Record<PromptName, TemplateSpec> = {
  question_mcq: { required: ["question", "options"], optional: ["question_type"] },
  question_oe: { required: ["question"], optional: [] },
  question_finqa: { required: ["question", "table", "context"], optional: [] },
  question_ccc: { required: ["dialogue", "checks"], optional: [] },
  check: { required: ["question", "answer"], optional: ["options", "analysis", "question_type"] },
  convert: { required: ["question", "options", "answer"], optional: ["analysis", "question_type"] },
  judge: { required: ["question", "reference", "response"], optional: ["explanation"] },
  merge: { required: ["dialogue", "checks", "traces"], optional: ["verdict"] },
};

/** Where the shipped template of each prompt is. */
export function shippedPromptPath(name: PromptName): string {
  if (name === "question_mcq") return RL_ROW_DEFAULTS.templatePath;
  return distPath(`assets/prompts/data/${name}.txt`);
}

export type Prompts = Record<PromptName, Template>;

/** Loads every template, the user's file where one is given. Throws ConfigError naming the file. */
export function loadPrompts(overrides: Partial<Record<PromptName, string>> = {}): Prompts {
  const out = {} as Prompts;
  for (const name of PROMPT_NAMES) out[name] = loadTemplate(name, overrides[name] ?? shippedPromptPath(name), PROMPT_SPECS[name]);
  return out;
}
