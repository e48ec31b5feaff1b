// Every default of the eval stage, in one place.

export const EVAL_DEFAULTS = {
  /**
   * Decoding: the paper does not publish its evaluation settings; these are its GRPO rollout settings (also what
   * the EvalScope layer uses). max_tokens leaves room for a 1-2k token FinQA prompt under a 16k context.
   */
  sampling: { temperature: 0.6, top_p: 0.95, max_tokens: 8192, n: 1, seed: 42 },
  /** vLLM's neutral values, sent to our own server so the model's generation_config.json cannot change them. */
  vllmNeutral: { top_k: -1, repetition_penalty: 1.0 },
  /** vLLM 0.8.x default --max-num-seqs: requests one replica schedules at once; client concurrency per replica. */
  maxNumSeqsPerReplica: 256,
  /** Concurrency for an endpoint we know nothing about. */
  externalConcurrency: 64,
  /** Sends of one request before the endpoint counts as down. With the client's backoff that is ~7 s of retrying. */
  maxAttempts: 5,
  /** FinQA judge decoding: deterministic and short. */
  judge: { temperature: 0, max_tokens: 1024 },
  /** Progress events at most this often (plus one at the end of each benchmark). */
  progressIntervalMs: 1000,
  /** Financial benchmarks run by our runner, in the paper's column order. */
  fileBenchmarks: ["cflue", "finqa", "ccc"] as const,
  evalscopeBenchmarks: ["math500", "gpqa_diamond"] as const,
} as const;

export type FileBenchmark = (typeof EVAL_DEFAULTS.fileBenchmarks)[number];
export type EvalscopeBenchmarkName = (typeof EVAL_DEFAULTS.evalscopeBenchmarks)[number];

/** What the eval stage writes under its output folder. */
export const EVAL_FILES = {
  scores: "scores.json",
  summary: "summary.json",
  journal: "journal",
  results: "results",
  evalscope: "evalscope",
} as const;
