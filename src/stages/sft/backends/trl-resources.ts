// The SFT estimate with TRL's keys: `trl sft` arguments in the estimate's terms with TRL's own defaults of the
// stated release (max_length 1024, packing off, gradient checkpointing as that release's config sets it), and what a
// fix tells the user to change in `stages.sft`.
import type { SftFixKeys } from "../../../resources/estimate-sft.js";
import type { SftTraining } from "../../../resources/inputs.js";
import { trlSftToolDefaults } from "../../../tools/trl/render.js";

/** The keys a fix names: TRL's own (`max_length`, `gradient_checkpointing`), not LLaMA-Factory's. */
export const TRL_FIX_KEYS: SftFixKeys = {
  checkpointingOn: "stages.sft.args.gradient_checkpointing: true",
  microBatch: "stages.sft.args.per_device_train_batch_size",
  deepspeed: "stages.sft.deepspeed",
  cutoff: "stages.sft.args.max_length",
};

/** `trl sft` keys (SFTConfig, TrainingArguments, ModelConfig) in the estimate's terms; `release`: the stated or probed one. */
export function trlTraining(args: Readonly<Record<string, unknown>>, release: string | undefined): SftTraining {
  const defaults = trlSftToolDefaults(release);
  const num = (key: "max_length" | "per_device_train_batch_size" | "num_train_epochs" | "lora_r") =>
    typeof args[key] === "number" ? (args[key] as number) : defaults[key];
  const flag = (key: "packing" | "gradient_checkpointing") => (typeof args[key] === "boolean" ? (args[key] as boolean) : defaults[key]);
  return {
    finetuning: args.use_peft === true ? "lora" : "full",
    loraRank: num("lora_r"),
    freezeLayers: 0,
    weightBits: args.load_in_4bit === true ? 4 : args.load_in_8bit === true ? 8 : 16,
    cutoff: num("max_length"),
    microBatch: num("per_device_train_batch_size"),
    epochs: num("num_train_epochs"),
    checkpointing: flag("gradient_checkpointing"),
    eagerAttention: args.attn_implementation === "eager",
    packing: flag("packing"),
  };
}

/** The note beside a TRL estimate: which of TRL's defaults it used. */
export function trlDefaultsNote(release: string | undefined): string {
  const d = trlSftToolDefaults(release);
  const which = release ? `TRL ${release}` : "TRL (newest listed release)";
  return `${which} defaults where unset: max_length ${d.max_length}, packing ${d.packing ? "on" : "off"}, gradient checkpointing ${d.gradient_checkpointing ? "on" : "off"}`;
}
