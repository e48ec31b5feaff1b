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

/** SFT whatever the tool: its datasets (token counts) and DeepSpeed choice. */
export interface SftInput {
  datasets: readonly string[];
  dataset_files: Readonly<Record<string, LlamaFactoryDatasetFile>>;
  deepspeed: DeepSpeedChoice;
}

/**
 * How an SFT run trains, in the estimate's own terms. Each backend fills it from its tool's keys with that tool's
 * defaults where unset (LLaMA-Factory's cutoff_len 2048, TRL's max_length 1024), so the estimate reads no tool's keys.
 */
export interface SftTraining {
  finetuning: "full" | "lora" | "freeze";
  /** LoRA rank (lora only). */
  loraRank: number;
  /** Layers trained (freeze only). */
  freezeLayers: number;
  /** Bits of the frozen base weights: 16, or 8/4 with QLoRA. */
  weightBits: number;
  /** Longest sequence in tokens (records are truncated to it). */
  cutoff: number;
  microBatch: number;
  epochs: number;
  checkpointing: boolean;
  eagerAttention: boolean;
  /** Every sequence is `cutoff` long (packed); otherwise a batch is padded to its longest record only. */
  packing: boolean;
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
