// Every default of the data recipe, in one place.

export const RECIPE_DEFAULTS = {
  /** Requests in flight at once (all roles together). */
  concurrency: 16,
  /** The paper's gate: three distillation attempts, then the item goes to the RL pool. */
  maxAttempts: 3,
  seed: 42,
  /**
   * Share of CFLUE MCQs offered to the converter. The paper's sets (26,672 MCQ, 5,045 open-ended, 4,096 RL from
   * one pool) put about 14% of the pool in the open-ended set; the exact rule is not published.
   */
  convertFraction: 0.15,
  /** Share of the RL pool in the validation split (same default as the RL row builder). */
  rlValFraction: 0.05,
  filter: {
    minQuestionChars: 4,
    /** CFLUE questions are short; FinQA contexts are long, so the bound is on the question text alone. */
    maxQuestionChars: 4000,
    ambiguityCheck: true,
  },
  outputNames: { cflue_mcq: "cflue_mcq_r1", cflue_oe: "cflue_oe_r1", finqa: "fin_qa_r1", ccc: "ccc_r1", rl: "cflue_mcq_rl" },
  hubCli: { huggingface: ["huggingface-cli"], modelscope: ["modelscope"] },
  /** Sampling sent when an endpoint sets none (judges and checkers should be deterministic). */
  params: {
    distill: { temperature: 0.6, top_p: 0.95 },
    convert: { temperature: 0 },
    merge: { temperature: 0 },
    judge: { temperature: 0 },
    check: { temperature: 0 },
  },
  /** Transport retries per request inside the client (separate from the recipe's distillation attempts). */
  clientMaxAttempts: 6,
  /** LLM failure reasons that will fail the same way every time: recorded as the item's outcome, never re-sent. */
  permanentReasons: ["bad-request", "context-length"] as readonly string[],
} as const;

/** Layout of the stage output folder. */
export const RECIPE_LAYOUT = {
  sftDir: "sft",
  datasetInfo: "sft/dataset_info.json",
  rlDir: "rl",
  journals: "journals",
  statsMd: "stats.md",
  statsJson: "stats.json",
  ledger: "items.jsonl",
  complete: "complete.json",
} as const;
