// DeepSpeed configs for the presets (LLaMA-Factory and TRL both hand them to the HF Trainer). Batch sizes, clipping
// and precision are "auto" so the Trainer fills them from the training arguments; no optimizer/scheduler block, so
// `optim` and `lr_scheduler_type` apply.

/** The presets this adapter writes a config for (the stage adds "none" for no DeepSpeed). */
export const DEEPSPEED_PRESET_NAMES = ["zero2", "zero2_offload", "zero3", "zero3_offload"] as const;

export type DeepSpeedPreset = (typeof DEEPSPEED_PRESET_NAMES)[number];

/** What a run uses: no DeepSpeed, a preset written next to the train YAML, or the user's own JSON file. */
export type DeepSpeedChoice = "none" | DeepSpeedPreset | { path: string };

const common = {
  train_batch_size: "auto",
  train_micro_batch_size_per_gpu: "auto",
  gradient_accumulation_steps: "auto",
  gradient_clipping: "auto",
  zero_allow_untested_optimizer: true,
  fp16: { enabled: "auto", loss_scale: 0, loss_scale_window: 1000, initial_scale_power: 16, hysteresis: 2, min_loss_scale: 1 },
  bf16: { enabled: "auto" },
};

const cpuOffload = { device: "cpu", pin_memory: true };

function zero2(offload: boolean): object {
  return {
    ...common,
    zero_optimization: {
      stage: 2,
      ...(offload ? { offload_optimizer: cpuOffload } : {}),
      allgather_partitions: true,
      allgather_bucket_size: 5e8,
      overlap_comm: false,
      reduce_scatter: true,
      reduce_bucket_size: 5e8,
      contiguous_gradients: true,
      round_robin_gradients: true,
    },
  };
}

function zero3(offload: boolean): object {
  return {
    ...common,
    zero_optimization: {
      stage: 3,
      ...(offload ? { offload_optimizer: cpuOffload, offload_param: cpuOffload } : {}),
      overlap_comm: false,
      contiguous_gradients: true,
      sub_group_size: 1e9,
      reduce_bucket_size: "auto",
      stage3_prefetch_bucket_size: "auto",
      stage3_param_persistence_threshold: "auto",
      stage3_max_live_parameters: 1e9,
      stage3_max_reuse_distance: 1e9,
      // Checkpoints then hold consolidated 16-bit weights, so a checkpoint is usable without zero_to_fp32.
      stage3_gather_16bit_weights_on_model_save: true,
    },
  };
}

export function deepspeedConfig(preset: DeepSpeedPreset): object {
  switch (preset) {
    case "zero2":
      return zero2(false);
    case "zero2_offload":
      return zero2(true);
    case "zero3":
      return zero3(false);
    case "zero3_offload":
      return zero3(true);
  }
}

export function deepspeedFileName(preset: DeepSpeedPreset): string {
  return `ds_${preset}.json`;
}
