// Options of the SFT stage (LLaMA-Factory). `args` holds LLaMA-Factory keys verbatim; they are checked against
// LLaMA-Factory's key inventory in pre-flight (with their dotted path), not here, so every problem is listed at once.
import { z } from "zod";
import { DEEPSPEED_PRESET_NAMES } from "../../tools/llamafactory/deepspeed.js";
import { LIMITS } from "../../util/limits.js";

export const DEEPSPEED_PRESETS = ["none", ...DEEPSPEED_PRESET_NAMES] as const;

export const datasetFileSchema = z
  .object({
    /** A JSON/JSONL file (or folder of them) in alpaca or sharegpt format. Relative to the experiment file. */
    path: z.string().min(1),
    formatting: z.enum(["alpaca", "sharegpt"]).default("alpaca"),
    /** Column mapping as in dataset_info.json. Alpaca default: prompt→instruction, query→input, response→output. */
    columns: z.record(z.string(), z.string()).optional(),
    /** sharegpt role/content tag names as in dataset_info.json. */
    tags: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const sftStageSchema = z
  .object({
    /** Registered dataset names, in training order. */
    datasets: z.array(z.string().min(1)).min(1),
    /** Where each dataset's file is; written into dataset_info.json. */
    dataset_files: z.record(z.string(), datasetFileSchema).default({}),
    /** A DeepSpeed preset written into the stage folder, or a path to your own JSON. */
    deepspeed: z.union([z.enum(DEEPSPEED_PRESETS), z.object({ path: z.string().min(1) }).strict()]).default("zero3"),
    /** Any `llamafactory-cli train` key; merged over the recipe defaults. */
    args: z.record(z.string(), z.unknown()).default({}),
    /** No output for this many minutes → the run is ended and reported as a hang. */
    watchdog_minutes: z.number().positive().max(LIMITS.minutes).optional(),
    /** How input files enter the stage key: size+mtime (fast) or a content hash. */
    fingerprint: z.enum(["mtime", "content"]).default("mtime"),
  })
  .strict();

export type SftStageConfig = z.infer<typeof sftStageSchema>;
