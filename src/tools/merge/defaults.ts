// Every default of the merge tool layer, in one place.

export const MERGE_DEFAULTS = {
  /** How current verl's merger is started; the sub-command and flags are appended to this. */
  commandPrefix: ["python3", "-m", "verl.model_merger"] as readonly string[],
  /** Interpreter for the shipped seed-era merge script. */
  python: "python3",
  /** verl's FSDP checkpoints keep only this backend's layout. */
  backend: "fsdp",
  /** Both mergers write bfloat16; vLLM is started with --dtype bfloat16 to match. */
  expectedDtype: "BF16",
  /** Written by the verl trainer after a checkpoint is complete. */
  trackerFile: "latest_checkpointed_iteration.txt",
} as const;

/** File name patterns verl uses inside <ckpt>/global_step_N/actor/. */
export const STEP_DIR_PATTERN = /^global_step_(\d+)$/;
export const MODEL_SHARD_PATTERN = /^model_world_size_(\d+)_rank_(\d+)\.pt$/;
