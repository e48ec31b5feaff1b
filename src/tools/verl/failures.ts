// Names the cause of a failed verl run from its log tail. verl exits 1 for nearly everything, and the real error
// is often forwarded by Ray from another process, so the texts verl, Hydra, Ray, vLLM and PyTorch print are matched.
import type { FailureCause } from "../../errors.js";
import { cleanVerlLine } from "./progress.js";

interface Pattern {
  id: string;
  test: RegExp;
  summary: (m: RegExpExecArray) => string;
  hint: string;
}

// First match wins: most specific first. Configuration errors come before the crashes they cause.
const PATTERNS: Pattern[] = [
  {
    id: "hydra-unknown-key",
    test: /Could not override '([^']+)'\.(?:[\s\S]{0,400}?Key '([^']+)' is not in struct)?/,
    summary: (m) => `verl's config has no key ${m[1]}${m[2] ? ` ('${m[2]}' is not in struct)` : ""}`,
    hint: `fix or remove <config>.overrides.<key>; check the key against the installed verl version (tools.verl.version); keys verl reads but does not declare need a + prefix`,
  },
  {
    id: "hydra-key-exists",
    test: /Could not append to config\. An item is already at '([^']+)'/,
    summary: (m) => `+${m[1]} adds a key that verl's config already has`,
    hint: `remove the + from <config>.overrides.+<key>`,
  },
  {
    id: "hydra-missing-value",
    test: /Missing mandatory value: ?([\w.]+)/,
    summary: (m) => `verl needs a value for ${m[1]}`,
    hint: "set it (actor_rollout_ref.rollout.name comes from <config>.rollout.name)",
  },
  {
    id: "hydra-bad-override",
    test: /(Error parsing override '[^']*'|Ambiguous value for argument '[^']*'|mismatched input .* expecting)/,
    summary: (m) => `Hydra could not parse an override: ${m[1]}`,
    hint: `quote values with spaces, commas or brackets in <config>.overrides (dianjin-train quotes its own)`,
  },
  {
    id: "batch-config",
    test: /(real_train_batch_size \(\d+\) must be divisible by [^\n]*|train_batch_size \(\d+\) must be >= [^\n]*|normalized ppo_mini_batch_size \d+ should be [^\n]*|ppo_mini_batch_size \d+ should be larger than 0[^\n]*|rollout world_size: \d+ is not divisible by infer_world_size: \d+|only support equal chunk[^\n]*)/,
    summary: (m) => `verl rejected the batch/parallel sizes: ${m[1]}`,
    hint: `make <config>.data.train_batch_size × rollout.n divisible by the GPU count, the per-GPU mini-batch a multiple of actor.ppo_micro_batch_size_per_gpu, and the GPU count a multiple of rollout.tensor_model_parallel_size`,
  },
  {
    id: "reward-function",
    test: /(Custom module file not found: module_path='[^']*'|Error loading module from module_path='[^']*'|Object not found in module: object_name='[^']*'[^\n]*|File "[^"]*reward[^"]*\.py", line \d+, in compute_score)/,
    summary: (m) => `the custom reward function failed: ${m[1]}`,
    hint: "check the reward file (custom_reward_function.path) exists on every node at the same absolute path, exports compute_score, and never raises",
  },
  {
    id: "dataset-empty",
    test: /(Train|Validation) dataloader is empty!/,
    summary: (m) => `the ${m[1]!.toLowerCase()} set has fewer rows than one batch after filtering`,
    hint: `lower <config>.data.train_batch_size, raise data.max_prompt_length, or add data`,
  },
  {
    id: "dataset-schema",
    test: /KeyError: '(ground_truth|reward_model|prompt|data_source)'/,
    summary: (m) => `a data row lacks the column ${m[1]}`,
    hint: "write the RL Parquet in the layout verl reads (prompt list<struct<role,content>>, reward_model.ground_truth, data_source)",
  },
  {
    id: "resume-world-size",
    test: /No such file or directory: '[^']*model_world_size_(\d+)_rank_\d+\.pt'/,
    summary: (m) => `the checkpoint has no shards for ${m[1]} GPUs (it was saved with another GPU count)`,
    hint: `resume with the GPU count the checkpoint was saved with (<config>.trainer.nnodes × n_gpus_per_node), or start over`,
  },
  {
    id: "vllm-kv-cache",
    test: /(No available memory for the cache blocks|larger than the available KV cache memory|larger than the maximum number of tokens that can be stored in KV cache)/,
    summary: () => "vLLM has no room for the KV cache next to the training state",
    hint: `raise <config>.rollout.gpu_memory_utilization a little, raise rollout.tensor_model_parallel_size, or keep actor.param_offload/optimizer_offload on`,
  },
  {
    id: "cuda-oom",
    test: /(torch\.(?:cuda\.)?OutOfMemoryError|CUDA out of memory|out of memory at [^\n]*cumem_allocator)/,
    summary: () => "a GPU ran out of memory",
    hint: `lower <config>.actor.ppo_micro_batch_size_per_gpu or rollout.gpu_memory_utilization, raise rollout.tensor_model_parallel_size, turn on actor.param_offload/optimizer_offload, or shorten data.max_response_length; PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True in tools.verl.env helps fragmentation`,
  },
  {
    id: "host-oom",
    test: /(Task was killed due to the node running low on memory|ray\.exceptions\.OutOfMemoryError|Memory on the node [^\n]* was \d[^\n]* exceeds the memory usage threshold)/,
    summary: () => "Ray killed a worker because the machine ran low on RAM",
    hint: "turn off some CPU offload, lower data.dataloader_num_workers, or use nodes with more RAM",
  },
  {
    id: "nccl-timeout",
    test: /(Watchdog caught collective operation timeout|NCCL[^\n]*[Tt]imeout|DistBackendError)/,
    summary: () => "a collective operation between GPUs/nodes timed out (NCCL)",
    hint: "a worker died or hung (look for an earlier error) or the nodes cannot reach each other: set NCCL_SOCKET_IFNAME/GLOO_SOCKET_IFNAME in tools.verl.env",
  },
  {
    id: "not-enough-gpus",
    test: /Total available GPUs (\d+) is less than total desired GPUs (\d+)/,
    summary: (m) => `Ray sees ${m[1]} GPUs but the run needs ${m[2]}`,
    hint: `match <config>.trainer.nnodes × n_gpus_per_node to the GPUs of the Ray cluster (ray status)`,
  },
  {
    id: "ray-worker-register",
    test: /Unable to register worker with raylet/,
    summary: () => "Ray could not start a worker process",
    hint: "under Slurm set +ray_kwargs.ray_init.num_cpus to the CPUs of the allocation in <config>.overrides",
  },
  {
    id: "tracker-credentials",
    test: /(wandb\.errors\.\w+: api_key not configured|You must call wandb\.init\(\) before|api_key not configured \(no-tty\)|SWANLAB_API_KEY)/,
    summary: () => "a tracking backend needs credentials that are not set",
    hint: "log in to the tracker (WANDB_API_KEY in your environment) or remove it from tracking.backends",
  },
  {
    id: "ray-actor-died",
    test: /(The actor died unexpectedly before finishing this task|ActorDiedError|RayActorError|The actor is dead because)/,
    summary: () => "a Ray worker process died",
    hint: "the first error in the worker's log is the cause (often out of memory or a failing reward function); look above in the log or in /tmp/ray/session_latest/logs",
  },
];

export const VERL_FAILURE_IDS = PATTERNS.map((p) => p.id);

/**
 * The cause of a failed verl run; `unknown` when nothing in the tail is recognised. Hints name keys under
 * `configPath`, the experiment's block of the stage that ran verl (e.g. "stages.grpo").
 */
export function classifyVerlFailure(log: string | readonly string[], configPath: string): FailureCause {
  const text = (typeof log === "string" ? log.split(/\r?\n/) : log).map(cleanVerlLine).join("\n");
  for (const p of PATTERNS) {
    const m = p.test.exec(text);
    if (m) return { id: p.id, summary: p.summary(m), hint: p.hint.replaceAll("<config>", configPath).replaceAll("<key>", keyFrom(m)) };
  }
  return { id: "unknown", summary: "verl exited with an error", hint: "read the log tail below; the root cause is usually the first Traceback" };
}

function keyFrom(m: RegExpExecArray): string {
  return m[1] ?? "<key>";
}
