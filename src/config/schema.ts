// The experiment file: one file fully determines a run. Strict everywhere: an unknown key is an error.
import { z } from "zod";
import { sftStageSchema } from "../stages/sft/config.js";
import { dataStageSchema } from "../stages/data/config.js";
import { mergeStageSchema } from "../stages/merge/config.js";
import { grpoStageSchema } from "../stages/grpo/config.js";
import { deployStageSchema } from "../stages/deploy/config.js";
import { evalStageSchema } from "../stages/eval/config.js";

const commandSchema = z.union([z.string().min(1).transform((s) => [s]), z.array(z.string().min(1)).min(1)]);

const toolSchema = z
  .object({
    /** Executable and leading arguments, e.g. [python3, -m, verl.trainer.main_ppo]. A string is one executable. */
    command: commandSchema.optional(),
    /** Extra environment for this tool's processes (no secrets here: they come from your environment). */
    env: z.record(z.string(), z.string()).default({}),
    /** The tool's version, when you want to state it instead of asking the tool. */
    version: z.string().optional(),
  })
  .strict();

const slurmSchema = z
  .object({
    partition: z.string().optional(),
    account: z.string().optional(),
    qos: z.string().optional(),
    time: z.string().optional(),
    cpus_per_task: z.number().int().positive().optional(),
    mem: z.string().optional(),
    exclusive: z.boolean().default(false),
    requeue: z.boolean().default(true),
    extra_directives: z.array(z.string()).default([]),
    setup: z.array(z.string()).default([]),
    container_image: z.string().optional(),
  })
  .strict();

/** The GPU model: a name from the built-in table, any key of which can be stated instead (see src/resources/gpus.ts). */
const gpuSchema = z
  .object({
    /** A100-40GB, A100-80GB (default), A800-80GB, H800-80GB, H100-80GB, H20-96GB, H200-141GB, L40S-48GB, RTX4090-24GB, Ascend910B-64GB; another name needs memory_gb and tflops_bf16. */
    type: z.string().min(1).optional(),
    /** Memory per GPU in GiB. */
    memory_gb: z.number().positive().optional(),
    /** Dense bf16 peak per GPU, in TFLOP/s. */
    tflops_bf16: z.number().positive().optional(),
    /** Price per GPU-hour; the plan then states a cost. */
    hourly_cost: z.number().nonnegative().optional(),
    /** Share of memory_gb an estimate may fill before pre-flight refuses (default 0.9). */
    headroom: z.number().gt(0).max(1).optional(),
    /** Model FLOPs utilization assumed for training time (default 0.4). */
    mfu: z.number().gt(0).max(1).optional(),
  })
  .strict();

const clusterSchema = z
  .object({
    launcher: z.enum(["local", "slurm", "ray"]).default("local"),
    nodes: z.number().int().positive().default(1),
    gpus_per_node: z.number().int().nonnegative().default(8),
    /** GPU indices for CUDA_VISIBLE_DEVICES on a local machine; default 0..gpus_per_node-1. */
    gpus: z.array(z.number().int().nonnegative()).optional(),
    master_addr: z.string().default("127.0.0.1"),
    master_port: z.number().int().min(1).max(65535).default(29500),
    slurm: slurmSchema.optional(),
    ray: z.object({ address: z.string().min(1) }).strict().optional(),
    gpu: gpuSchema.optional(),
  })
  .strict();

const trackingSchema = z
  .object({
    backends: z.array(z.enum(["wandb", "swanlab", "mlflow", "tensorboard"])).default([]),
    project: z.string().optional(),
    run_name: z.string().optional(),
  })
  .strict();

export const stagesSchema = z
  .object({
    data: dataStageSchema.optional(),
    sft: sftStageSchema.optional(),
    grpo: grpoStageSchema.optional(),
    merge: mergeStageSchema.optional(),
    deploy: deployStageSchema.optional(),
    eval: evalStageSchema.optional(),
  })
  .strict();

export const experimentSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only"),
    /** Where state, rendered files, logs and outputs go. Relative to the experiment file. */
    workdir: z.string().min(1),
    model: z
      .object({
        /** Hub id (Qwen/Qwen2.5-7B-Instruct) or a local folder (./models/x, /data/x). */
        base: z.string().min(1),
        template: z.string().min(1).default("qwen"),
      })
      .strict(),
    cluster: clusterSchema.default(clusterSchema.parse({})),
    tools: z
      .object({
        llamafactory: toolSchema.default(toolSchema.parse({})),
        verl: toolSchema.default(toolSchema.parse({})),
        vllm: toolSchema.default(toolSchema.parse({})),
        evalscope: toolSchema.default(toolSchema.parse({})),
        verl_merger: toolSchema.default(toolSchema.parse({})),
        python: toolSchema.default(toolSchema.parse({})),
      })
      .strict()
      .default({ llamafactory: { env: {} }, verl: { env: {} }, verl_merger: { env: {} }, vllm: { env: {} }, evalscope: { env: {} }, python: { env: {} } }),
    tracking: trackingSchema.default(trackingSchema.parse({})),
    /** Set-aside folders (older outputs, incomplete checkpoints) kept per stage; older ones are removed. */
    keep_set_aside: z.number().int().nonnegative().default(2),
    /**
     * Names of environment variables whose values are secrets even though the name does not say so (names with KEY,
     * TOKEN, SECRET or PASSWORD always are). Their values reach a tool only through its environment, never a file.
     */
    secrets: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "the NAME of an environment variable")).default([]),
    stages: stagesSchema.default({}),
  })
  .strict();

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type ToolConfig = z.infer<typeof toolSchema>;
export type StageName = keyof z.infer<typeof stagesSchema>;
