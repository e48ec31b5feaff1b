// What every stage is given besides its own block: the experiment's common settings (model, cluster, tools,
// tracking) and where they were read from. The experiment schema (src/config/schema.ts) adds each stage's block.
import { z } from "zod";
import { LIMITS } from "../util/limits.js";

const commandSchema = z.union([
  z
    .string()
    .min(1)
    .transform((s) => [s]),
  z.array(z.string().min(1)).min(1),
]);

export const toolSchema = z
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
    cpus_per_task: z.number().int().positive().max(LIMITS.cpus).optional(),
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
    memory_gb: z.number().positive().max(LIMITS.gpuMemoryGb).optional(),
    /** Dense bf16 peak per GPU, in TFLOP/s. */
    tflops_bf16: z.number().positive().max(LIMITS.tflops).optional(),
    /** Price per GPU-hour; the plan then states a cost. */
    hourly_cost: z.number().nonnegative().max(LIMITS.hourlyCost).optional(),
    /** Share of memory_gb an estimate may fill before pre-flight refuses (default 0.9). */
    headroom: z.number().gt(0).max(1).optional(),
    /** Model FLOPs utilization assumed for training time (default 0.4). */
    mfu: z.number().gt(0).max(1).optional(),
  })
  .strict();

export const clusterSchema = z
  .object({
    launcher: z.enum(["local", "slurm", "ray"]).default("local"),
    nodes: z.number().int().positive().max(LIMITS.nodes).default(1),
    gpus_per_node: z.number().int().nonnegative().max(LIMITS.gpusPerNode).default(8),
    /** GPU indices for CUDA_VISIBLE_DEVICES on a local machine; default 0..gpus_per_node-1. */
    gpus: z
      .array(
        z
          .number()
          .int()
          .nonnegative()
          .max(LIMITS.gpusPerNode * 4),
      )
      .max(LIMITS.gpusPerNode)
      .optional(),
    master_addr: z.string().default("127.0.0.1"),
    master_port: z.number().int().min(1).max(65535).default(29500),
    slurm: slurmSchema.optional(),
    ray: z
      .object({ address: z.string().min(1) })
      .strict()
      .optional(),
    gpu: gpuSchema.optional(),
  })
  .strict();

export const trackingSchema = z
  .object({
    backends: z.array(z.enum(["wandb", "swanlab", "mlflow", "tensorboard"])).default([]),
    project: z.string().optional(),
    run_name: z.string().optional(),
  })
  .strict();

/** The top-level keys every experiment has; `tools` and `stages` are added from the stage registry. */
export const commonFields = {
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only"),
  /** Where state, rendered files, logs and outputs go. Relative to the experiment file. */
  workdir: z.string().min(1),
  /**
   * A store of completed stage outputs by stage key, shared by every experiment that names it (a team cache): a stage
   * whose key it holds is reused, not built again. Relative to the experiment file; none: nothing is stored.
   */
  store: z.string().min(1).optional(),
  model: z
    .object({
      /** Hub id (Qwen/Qwen2.5-7B-Instruct) or a local folder (./models/x, /data/x). */
      base: z.string().min(1),
      template: z.string().min(1).default("qwen"),
    })
    .strict(),
  cluster: clusterSchema.default(clusterSchema.parse({})),
  tracking: trackingSchema.default(trackingSchema.parse({})),
  /** Set-aside folders (older outputs, incomplete checkpoints) kept per stage; older ones are removed. */
  keep_set_aside: z.number().int().nonnegative().max(LIMITS.count).default(2),
  /**
   * Names of environment variables whose values are secrets even though the name does not say so (names with KEY,
   * TOKEN, SECRET or PASSWORD always are). Their values reach a tool only through its environment, never a file.
   */
  secrets: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "the NAME of an environment variable")).default([]),
};

export type ToolConfig = z.infer<typeof toolSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;

/** The experiment as a stage sees it: the common settings, every tool's settings, and the stage blocks by name. */
export type ExperimentBase = { [K in Exclude<keyof typeof commonFields, "store">]: z.infer<(typeof commonFields)[K]> } & {
  store?: string;
  tools: Record<string, ToolConfig>;
  stages: Record<string, unknown>;
};

export interface SecretUse {
  /** The variable's name. */
  name: string;
  value: string;
  /** Dotted path of the config value that read it. */
  path: string;
}

/** A loaded experiment file. */
export interface LoadedExperiment<C extends ExperimentBase = ExperimentBase> {
  /** Absolute path of the experiment file. */
  file: string;
  config: C;
  /** Files read, the experiment file first, then each `extends` base. */
  sources: string[];
  /** Values read from secret variables, by the dotted path that holds them (the value itself is never printed). */
  secrets: SecretUse[];
}
