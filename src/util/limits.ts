// The largest values the experiment file accepts, in one place. Each is far beyond any real setup and small enough
// that nothing derived from it (a CUDA_VISIBLE_DEVICES list, an array of halvings, a timer) can exhaust memory or
// overflow. The schema states them with .max(); the loader bounds what no schema types (args, overrides).

export const LIMITS = {
  /** Bytes of one experiment file (or `extends` base); the shipped ones are a few KB. Parsing YAML costs ~2.5 s/MiB. */
  configFileBytes: 256 * 1024,
  /** Bytes of a small text file the config names and we read whole (prompt templates, DeepSpeed JSON, reward code). */
  textFileBytes: 16 * 1024 * 1024,
  /** Files in one `extends` chain. */
  extendsDepth: 16,
  /** Characters of one string value (a path, a template name, a prompt file's name). */
  stringChars: 64 * 1024,
  /** Characters of one key. */
  keyChars: 256,
  /** Keys of one mapping: LLaMA-Factory has ~400 keys in all, verl's config a few hundred. */
  keysPerMapping: 2_000,
  /** Values (scalars, lists, mappings) in the whole merged experiment. */
  values: 20_000,
  /** Nesting of lists and mappings. */
  depth: 32,
  /** GPUs in one node (DGX/HGX have 8; the largest single-node systems 16). */
  gpusPerNode: 64,
  nodes: 4096,
  /** Tokens of a sequence (cutoff_len, max_prompt_length, max_model_len, ...). */
  tokens: 4 * 1024 * 1024,
  /** Items of a batch (train_batch_size, micro batches, concurrency, ...). */
  batch: 1024 * 1024,
  /** A count of repetitions (epochs, attempts, samples per prompt, checkpoints kept). */
  count: 100_000,
  /** Minutes of a watchdog or start-up timeout: one week. */
  minutes: 7 * 24 * 60,
  /** Seconds of one HTTP timeout: one day. */
  seconds: 24 * 60 * 60,
  /** numpy and torch seeds are unsigned 32-bit. */
  seed: 2 ** 32 - 1,
  /** GiB of one GPU's memory, TFLOP/s, cost per GPU-hour: generous physical bounds. */
  gpuMemoryGb: 16_384,
  tflops: 1_000_000,
  hourlyCost: 1_000_000,
  /** CPUs per Slurm task. */
  cpus: 16_384,
} as const;
