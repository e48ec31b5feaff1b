// The pipeline's stage order. A stage runs only when its block is present in the experiment file.
export const STAGE_ORDER = ["data", "sft", "grpo", "merge", "deploy", "eval"] as const;
export type StageName = (typeof STAGE_ORDER)[number];

export function isStageName(name: string): name is StageName {
  return (STAGE_ORDER as readonly string[]).includes(name);
}
