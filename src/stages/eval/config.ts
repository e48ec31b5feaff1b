// Options of the eval stage: the financial benchmarks (CFLUE, FinQA, CCC) through our own request runner, MATH-500 and
// GPQA-Diamond through EvalScope, all against one OpenAI-compatible endpoint (the deploy stage's by default).
// Defaults live in src/stages/eval/engine/defaults.ts; this file only says which keys exist and what values they take.
import { z } from "zod";
import { endpointTimeoutsSchema, stageTimeoutsSchema, streamSchema } from "../../llm/timeouts-config.js";
import { LIMITS } from "../../util/limits.js";

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "the NAME of an environment variable (never the key itself)");

const fileBenchmarkSchema = z
  .object({
    /** JSON array or JSON Lines file (formats in src/stages/eval/engine/README.md). Relative to the experiment file. */
    path: z.string().min(1),
    /** Only the first N items (smoke runs). */
    limit: z.number().int().positive().max(LIMITS.batch).optional(),
    /** Optional system message put before every prompt. */
    system_prompt: z.string().optional(),
  })
  .strict();

const evalscopeBenchmarkSchema = z
  .object({
    /** Samples per subset (EvalScope's --limit); for smoke runs. */
    limit: z.number().int().positive().max(LIMITS.batch).optional(),
  })
  .strict();

const samplingSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    max_tokens: z.number().int().positive().max(LIMITS.tokens).optional(),
    /** Samples per prompt; the item's score is the mean over its samples. */
    n: z.number().int().positive().max(LIMITS.count).optional(),
    seed: z.number().int().nonnegative().max(LIMITS.seed).optional(),
    /** vLLM extras. Sent by default to the deploy stage's server (so its generation_config.json cannot change them); to another endpoint only when set. */
    top_k: z.number().int().min(-1).max(LIMITS.tokens).optional(),
    repetition_penalty: z.number().positive().max(100).optional(),
  })
  .strict();

const endpointSchema = z
  .object({
    /** Any OpenAI-compatible base URL ending in /v1; a comma-separated list spreads requests over replicas. */
    base_url: z.string().min(1),
    /** Model name sent in requests. */
    model: z.string().min(1),
    api_key_env: envName.optional(),
    /** Overrides of stages.eval.timeouts for this endpoint. */
    timeouts: endpointTimeoutsSchema.optional(),
    /** false for a server that cannot stream. */
    stream: streamSchema,
  })
  .strict();

const scoringSchema = z
  .object({
    /** seed: every A-G in the last box counts (the seed's eval.py); strict: the box must hold option letters only. */
    cflue_mode: z.enum(["seed", "strict"]).optional(),
    finqa: z
      .object({
        rel_tol: z.number().min(0).max(1e6).optional(),
        abs_tol: z.number().min(0).max(1e12).optional(),
        percent_either: z.boolean().optional(),
        scale_either: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** LLM judge for FinQA (the paper's method); without it FinQA is scored by the numeric rules. */
    judge: endpointSchema
      .extend({ max_tokens: z.number().int().positive().max(LIMITS.tokens).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const evalStageSchema = z
  .object({
    benchmarks: z
      .object({
        cflue: fileBenchmarkSchema.optional(),
        finqa: fileBenchmarkSchema.optional(),
        ccc: fileBenchmarkSchema.optional(),
        math500: evalscopeBenchmarkSchema.optional(),
        gpqa_diamond: evalscopeBenchmarkSchema.optional(),
      })
      .strict()
      .refine((b) => Object.values(b).some((v) => v !== undefined), "name at least one benchmark"),
    sampling: samplingSchema.default({}),
    /** Requests in flight over all replicas. Default: max_num_seqs (256, or --max-num-seqs in deploy.extra_args) per replica. */
    concurrency: z.number().int().positive().max(LIMITS.batch).optional(),
    /** Bounds on one HTTP attempt (seconds); endpoint.timeouts overrides them. */
    timeouts: stageTimeoutsSchema,
    /** Use this endpoint instead of the deploy stage's server. */
    endpoint: endpointSchema.optional(),
    scoring: scoringSchema.default({}),
    /** Sends of one request before the endpoint counts as down (transient errors are retried with backoff). */
    max_attempts: z.number().int().positive().max(LIMITS.count).optional(),
    evalscope: z
      .object({
        /** EvalScope's --eval-batch-size (concurrent requests). */
        eval_batch_size: z.number().int().positive().max(LIMITS.batch).optional(),
        timeout_seconds: z.number().int().positive().max(LIMITS.seconds).optional(),
        stream: z.boolean().optional(),
      })
      .strict()
      .default({}),
    /** Leave the deploy stage's server running after the evaluation. */
    keep_server: z.boolean().default(false),
  })
  .strict();

export type EvalStageConfig = z.infer<typeof evalStageSchema>;
export type EvalSamplingConfig = z.infer<typeof samplingSchema>;
export type EvalEndpointConfig = z.infer<typeof endpointSchema>;
export type EvalScoringConfig = z.infer<typeof scoringSchema>;
