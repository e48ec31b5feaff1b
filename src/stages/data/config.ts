// Options of the data stage: the DianJin-R1 data recipe (filter → MCQ→open-ended conversion → reasoning distillation
// → verification with retries → SFT files + the RL pool), or the released DianJin-R1-Data used as it is.
// Defaults live in src/stages/data/recipe/defaults.ts; this file only states shapes.
import { z } from "zod";
import { RECIPE_DEFAULTS } from "./recipe/defaults.js";
import { endpointTimeoutsSchema, stageTimeoutsSchema, streamSchema } from "../../llm/timeouts-config.js";
import { LIMITS } from "../../util/limits.js";

export const HUB_PROVIDERS = ["huggingface", "modelscope"] as const;

const hubSchema = z
  .object({
    /** Dataset repository id, e.g. tongyi_dianjin/CFLUE. */
    id: z.string().min(1),
    provider: z.enum(HUB_PROVIDERS).default("huggingface"),
    /** File inside the dataset repository (for a source; `released` knows its files). */
    file: z.string().min(1).optional(),
    revision: z.string().min(1).optional(),
  })
  .strict();

/** A local file (relative to the experiment file) or a file downloaded from a dataset hub. */
const sourceSchema = z.union([
  z.string().min(1),
  z.object({ hub: hubSchema.refine((h) => h.file !== undefined, { message: "a hub source needs `file` (the path inside the dataset repository)" }) }).strict(),
]);

const endpointSchema = z
  .object({
    /** Name the server knows the model by (sent as `model`). */
    model: z.string().min(1),
    /** OpenAI-compatible base URL, e.g. https://api.deepseek.com/v1 or http://127.0.0.1:8000/v1. */
    base_url: z.string().url(),
    /** NAME of the environment variable holding the API key (never the key itself). */
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")
      .optional(),
    /** Price per 1M tokens, for the cost line in the log. */
    cost_per_1m: z
      .object({ prompt: z.number().nonnegative().max(LIMITS.hourlyCost), completion: z.number().nonnegative().max(LIMITS.hourlyCost) })
      .strict()
      .optional(),
    /** Sampling fields sent with every request of this role (temperature, top_p, max_tokens, ...). */
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
    /** Send a per-attempt `seed` (so retries differ and reruns repeat). Turn off for APIs that reject `seed`. */
    send_seed: z.boolean().default(true),
    /** Overrides of stages.data.timeouts for this endpoint. */
    timeouts: endpointTimeoutsSchema.optional(),
    /** false for a server that cannot stream. */
    stream: streamSchema,
  })
  .strict();

const promptsSchema = z
  .object({
    /** SFT/RL instruction of a CFLUE multiple-choice item ({{question_type}}, {{question}}, {{options}}). */
    question_mcq: z.string().min(1).optional(),
    question_oe: z.string().min(1).optional(),
    question_finqa: z.string().min(1).optional(),
    question_ccc: z.string().min(1).optional(),
    check: z.string().min(1).optional(),
    convert: z.string().min(1).optional(),
    judge: z.string().min(1).optional(),
    merge: z.string().min(1).optional(),
  })
  .strict();

const outputNamesSchema = z
  .object({
    cflue_mcq: z.string().min(1).default(RECIPE_DEFAULTS.outputNames.cflue_mcq),
    cflue_oe: z.string().min(1).default(RECIPE_DEFAULTS.outputNames.cflue_oe),
    finqa: z.string().min(1).default(RECIPE_DEFAULTS.outputNames.finqa),
    ccc: z.string().min(1).default(RECIPE_DEFAULTS.outputNames.ccc),
    rl: z.string().min(1).default(RECIPE_DEFAULTS.outputNames.rl),
  })
  .strict();

const filterSchema = z
  .object({
    /** Question length bounds in characters (instruction text before templating). */
    min_question_chars: z.number().int().nonnegative().max(LIMITS.tokens).default(RECIPE_DEFAULTS.filter.minQuestionChars),
    max_question_chars: z.number().int().positive().max(LIMITS.tokens).default(RECIPE_DEFAULTS.filter.maxQuestionChars),
    /** Ask the `check` endpoint whether each CFLUE item is ambiguous; ambiguous items are dropped. */
    ambiguity_check: z.boolean().default(RECIPE_DEFAULTS.filter.ambiguityCheck),
  })
  .strict();

export const dataStageSchema = z
  .object({
    sources: z
      .object({
        cflue_mcq: sourceSchema.optional(),
        cflue_open: sourceSchema.optional(),
        finqa: sourceSchema.optional(),
        compliance: sourceSchema.optional(),
      })
      .strict()
      .optional(),
    /** The released DianJin-R1-Data folder (or its hub id): its SFT files are used as they are, no LLM calls. */
    released: z.union([z.string().min(1), z.object({ hub: hubSchema }).strict()]).optional(),
    /** OpenAI-compatible endpoint per role. merge defaults to convert. */
    endpoints: z
      .object({
        convert: endpointSchema.optional(),
        distill: endpointSchema.optional(),
        judge: endpointSchema.optional(),
        check: endpointSchema.optional(),
        merge: endpointSchema.optional(),
      })
      .strict()
      .default({}),
    /** Bounds on one HTTP attempt (seconds); endpoints.<role>.timeouts overrides them per endpoint. */
    timeouts: stageTimeoutsSchema,
    /** Requests in flight at once, all roles together. */
    concurrency: z.number().int().positive().max(LIMITS.batch).default(RECIPE_DEFAULTS.concurrency),
    /** Distillation attempts per item before it goes to the RL pool (MCQ) or is dropped. */
    max_attempts: z.number().int().positive().max(LIMITS.count).default(RECIPE_DEFAULTS.maxAttempts),
    /** Decides conversion candidates, RL train/val split and per-attempt request seeds. */
    seed: z.number().int().nonnegative().max(LIMITS.seed).default(RECIPE_DEFAULTS.seed),
    /** Share of CFLUE multiple-choice items offered to the converter (MCQ → open-ended). */
    convert_fraction: z.number().min(0).max(1).default(RECIPE_DEFAULTS.convertFraction),
    /** Share of the RL pool written to the validation Parquet. */
    rl_val_fraction: z.number().min(0).max(1).default(RECIPE_DEFAULTS.rlValFraction),
    filter: filterSchema.default(filterSchema.parse({})),
    /** Prompt template files replacing the shipped ones (src/assets/prompts/data/). */
    prompts: promptsSchema.default({}),
    /** RL prompt template (default: the shipped cflue_mcq_rl.txt, the same as question_mcq). */
    rl_prompt: z.string().min(1).optional(),
    /** Dataset names written to dataset_info.json. */
    outputs: outputNamesSchema.default(outputNamesSchema.parse({})),
    /** How hub downloads are run (argv prefix). */
    hub_cli: z
      .object({
        huggingface: z
          .array(z.string().min(1))
          .min(1)
          .default([...RECIPE_DEFAULTS.hubCli.huggingface]),
        modelscope: z
          .array(z.string().min(1))
          .min(1)
          .default([...RECIPE_DEFAULTS.hubCli.modelscope]),
      })
      .strict()
      .default({ huggingface: [...RECIPE_DEFAULTS.hubCli.huggingface], modelscope: [...RECIPE_DEFAULTS.hubCli.modelscope] }),
    /** How source files enter the stage key: size+mtime (fast) or a content hash. */
    fingerprint: z.enum(["mtime", "content"]).default("mtime"),
  })
  .strict()
  .superRefine((data, ctx) => {
    const hasSources = data.sources !== undefined && Object.values(data.sources).some((s) => s !== undefined);
    if (data.released !== undefined && hasSources)
      ctx.addIssue({
        code: "custom",
        path: ["released"],
        message: "use either `released` (the released files as they are) or `sources` (build with the recipe), not both",
      });
    if (data.released === undefined && !hasSources)
      ctx.addIssue({ code: "custom", path: ["sources"], message: "give at least one source (cflue_mcq, cflue_open, finqa, compliance) or `released`" });
    if (!hasSources) return;
    const need = (role: keyof typeof data.endpoints, why: string) => {
      if (!data.endpoints[role]) ctx.addIssue({ code: "custom", path: ["endpoints", role], message: `required: ${why}` });
    };
    const s = data.sources!;
    need("distill", "every source is distilled");
    if (s.cflue_open || s.finqa || (s.cflue_mcq && data.convert_fraction > 0)) need("judge", "open-ended and FinQA answers are judged against the reference");
    if (s.cflue_mcq && data.convert_fraction > 0) need("convert", "convert_fraction > 0 converts multiple-choice items to open-ended ones");
    if (data.filter.ambiguity_check && (s.cflue_mcq || s.cflue_open))
      need("check", "filter.ambiguity_check asks a model whether CFLUE items are ambiguous (or set it to false)");
  });

export type DataStageConfig = z.infer<typeof dataStageSchema>;
export type DataSourceConfig = z.infer<typeof sourceSchema>;
export type HubSpec = z.infer<typeof hubSchema>;
export type EndpointConfig = z.infer<typeof endpointSchema>;
export type RecipeRole = "convert" | "distill" | "judge" | "check" | "merge";
