// What the estimates read from an experiment, and nothing more: the experiment and its stage configs are assignable
// to these, so resources/ needs neither the experiment schema nor a stage's folder.
import type { DeepSpeedChoice } from "../tools/hf-trainer/deepspeed.js";
import type { LlamaFactoryDatasetFile } from "../tools/llamafactory/datasets.js";
import type { GpuInput } from "./gpus.js";

/** The GPU shape of the run (the experiment's `cluster`). */
export interface ClusterInput {
  nodes: number;
  gpus_per_node: number;
  gpu?: GpuInput;
}

/** The experiment fields every estimate reads. */
export interface ExperimentInput {
  cluster: ClusterInput;
}

/** SFT with LLaMA-Factory: its datasets, DeepSpeed choice and `llamafactory-cli train` keys. */
export interface SftInput {
  datasets: readonly string[];
  dataset_files: Readonly<Record<string, LlamaFactoryDatasetFile>>;
  deepspeed: DeepSpeedChoice;
  args: Readonly<Record<string, unknown>>;
}

/** GRPO with verl: the options that size memory and steps, and where the RL rows come from. */
export interface GrpoInput {
  data: { max_prompt_length: number; max_response_length: number; train_batch_size: number };
  rollout: { n: number; tensor_model_parallel_size: number; gpu_memory_utilization: number };
  actor: {
    ppo_micro_batch_size_per_gpu: number;
    ulysses_sequence_parallel_size: number;
    enable_gradient_checkpointing: boolean;
    use_remove_padding: boolean;
    param_offload: boolean;
    optimizer_offload: boolean;
  };
  ref: { param_offload: boolean };
  trainer: { total_epochs: number };
  rl_data?: { train: string } | { cflue_mcq: string; val_fraction: number };
}

/** A vLLM server per replica. */
export interface ServeInput {
  tensor_parallel_size: number;
  replicas: number;
  gpu_memory_utilization: number;
  max_model_len?: number;
}
