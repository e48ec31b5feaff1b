// The SFT estimate with LLaMA-Factory's keys: its arguments in the estimate's terms (its own defaults where unset),
// and what a fix tells the user to change in `stages.sft`.
import { sftEstimator, type SftFixKeys, type SftInputs } from "../../../resources/estimate-sft.js";
import type { SftTraining } from "../../../resources/inputs.js";
import type { StageResources } from "../../../resources/types.js";
import { LLAMAFACTORY_TRAIN_DEFAULTS } from "../../../tools/llamafactory/render.js";

export const LLAMAFACTORY_FIX_KEYS: SftFixKeys = {
  checkpointingOn: "stages.sft.args.disable_gradient_checkpointing: false",
  microBatch: "stages.sft.args.per_device_train_batch_size",
  deepspeed: "stages.sft.deepspeed",
  cutoff: "stages.sft.args.cutoff_len",
};

/** LLaMA-Factory's (and the HF Trainer's) own defaults for the keys the estimate reads. */
export const LF_DEFAULTS = { cutoff_len: 2048, per_device_train_batch_size: 8, num_train_epochs: 3, lora_rank: 8, freeze_trainable_layers: 2 } as const;

/** `llamafactory-cli train` keys (rendered defaults under the user's) in the estimate's terms. */
export function llamafactoryTraining(userArgs: Readonly<Record<string, unknown>>): SftTraining {
  const args = { ...LLAMAFACTORY_TRAIN_DEFAULTS, ...userArgs };
  const num = (key: keyof typeof LF_DEFAULTS) => (typeof args[key] === "number" ? (args[key] as number) : LF_DEFAULTS[key]);
  return {
    finetuning: args.finetuning_type === "lora" ? "lora" : args.finetuning_type === "freeze" ? "freeze" : "full",
    loraRank: num("lora_rank"),
    freezeLayers: num("freeze_trainable_layers"),
    weightBits: typeof args.quantization_bit === "number" ? args.quantization_bit : 16,
    cutoff: num("cutoff_len"),
    microBatch: num("per_device_train_batch_size"),
    epochs: num("num_train_epochs"),
    checkpointing: args.disable_gradient_checkpointing !== true,
    eagerAttention: args.flash_attn === "disabled",
    packing: args.packing === true || args.neat_packing === true,
  };
}

/** The estimate of an SFT stage run with LLaMA-Factory (`sft.args`: its `llamafactory-cli train` keys). */
export function estimateSft(
  inputs: Omit<SftInputs, "training"> & { sft: SftInputs["sft"] & { args: Readonly<Record<string, unknown>> } },
): Promise<StageResources> {
  return sftEstimator(LLAMAFACTORY_FIX_KEYS)({ ...inputs, training: llamafactoryTraining(inputs.sft.args) });
}
