// Options of the deploy stage: vLLM's OpenAI-compatible server on the merged model, with a managed lifecycle.
import { z } from "zod";
import { LIMITS } from "../../util/limits.js";

export const deployStageSchema = z
  .object({
    /** Model folder to serve. Default: the merge stage's output. */
    model: z.string().min(1).optional(),
    served_model_name: z.string().min(1).optional(),
    tensor_parallel_size: z.number().int().positive().max(LIMITS.gpusPerNode).default(1),
    /** Servers on disjoint GPU groups (one per GPU is faster than one tensor-parallel server for 7B). */
    replicas: z.number().int().positive().max(LIMITS.gpusPerNode).default(1),
    max_model_len: z.number().int().positive().max(LIMITS.tokens).optional(),
    gpu_memory_utilization: z.number().gt(0).max(1).default(0.9),
    host: z.string().default("127.0.0.1"),
    /** First port; default: free ports found at start. */
    port: z.number().int().min(1).max(65535).optional(),
    /** Name of the environment variable holding the API key the server requires (the key itself never goes here). */
    api_key_env: z.string().optional(),
    startup_timeout_minutes: z.number().positive().max(LIMITS.minutes).default(15),
    extra_args: z.array(z.string()).default([]),
    /** Leave the server running after the run (as `deploy --detach` does). */
    keep: z.boolean().default(false),
  })
  .strict();

export type DeployStageConfig = z.infer<typeof deployStageSchema>;
