// Options of the GRPO stage: verl's typed options (the seed grpo.sh values as defaults) plus where the RL data, the
// starting model and the reward come from. The GPU shape comes from `cluster`, not from here.
import { z } from "zod";
import { grpoOptionsSchema } from "../../tools/verl/options.js";
import { LIMITS } from "../../util/limits.js";

const rlDataSchema = z.union([
  z.object({ train: z.string().min(1), val: z.string().min(1) }).strict(),
  z
    .object({
      /** CFLUE multiple-choice file (JSON/JSONL); becomes verl's Parquet here, prompts too long are dropped. */
      cflue_mcq: z.string().min(1),
      seed: z.number().int().nonnegative().max(LIMITS.seed).default(42),
      val_fraction: z.number().min(0).lt(1).default(0.05),
      /** Your own instruction template (placeholders as in the shipped cflue_mcq_rl.txt). */
      prompt_template: z.string().min(1).optional(),
    })
    .strict(),
]);

export const grpoStageSchema = grpoOptionsSchema.extend({
  /** Default: the data stage's RL Parquet. */
  rl_data: rlDataSchema.optional(),
  /** The model the actor starts from. Default: the SFT stage's output. */
  model: z.string().min(1).optional(),
  reward: z
    .object({
      /** Default: the DianJin-R1 CFLUE reward shipped with dianjin-train. */
      path: z.string().min(1).optional(),
      name: z.string().min(1).default("compute_score"),
    })
    .strict()
    .default({ name: "compute_score" }),
  /** Keep only the newest N checkpoints (whole global_step_N folders). */
  keep_checkpoints: z.number().int().positive().max(LIMITS.count).optional(),
  /** e.g. XFORMERS, as the seed exported for vLLM 0.8; not set unless asked. */
  vllm_attention_backend: z.string().optional(),
  watchdog_minutes: z.number().positive().max(LIMITS.minutes).optional(),
});

export type GrpoStageConfig = z.infer<typeof grpoStageSchema>;
