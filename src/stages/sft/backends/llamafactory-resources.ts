// The SFT estimate with LLaMA-Factory's keys: what a fix tells the user to change in `stages.sft`.
import { sftEstimator, type SftFixKeys } from "../../../resources/estimate-sft.js";

export const LLAMAFACTORY_FIX_KEYS: SftFixKeys = {
  checkpointingOn: "stages.sft.args.disable_gradient_checkpointing: false",
  microBatch: "stages.sft.args.per_device_train_batch_size",
  deepspeed: "stages.sft.deepspeed",
  cutoff: "stages.sft.args.cutoff_len",
};

export const estimateSft = sftEstimator(LLAMAFACTORY_FIX_KEYS);
