// Options of the merge stage: verl's FSDP actor checkpoint → a Hugging Face model folder, verified.
import { z } from "zod";
import { LIMITS } from "../../util/limits.js";

export const mergeStageSchema = z
  .object({
    /** verl's trainer.default_local_dir. Default: the GRPO stage's checkpoint folder. */
    checkpoint_dir: z.string().min(1).optional(),
    /** Which global_step_N: the latest complete one, or a number. */
    step: z.union([z.literal("latest"), z.number().int().positive().max(LIMITS.batch)]).default("latest"),
    /**
     * current: `python3 -m verl.model_merger` (verl 0.4.1 and later); seed: the merge script shipped here, for verl
     * before 0.4.1. Default: by the verl release (tools.verl.version or the probed one); current when it is not known.
     */
    merger: z.enum(["current", "seed"]).optional(),
    /** dtype every tensor of the merged model must have. */
    expected_dtype: z.enum(["BF16", "F16", "F32"]).default("BF16"),
  })
  .strict();

export type MergeStageConfig = z.infer<typeof mergeStageSchema>;
