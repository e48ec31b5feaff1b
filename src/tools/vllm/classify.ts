// Turns vLLM's start-up log into a FailureCause, matching the texts vLLM really prints.
// Most specific first: a KV-cache message can follow an OOM warning, a traceback can mention many things.

import type { FailureCause } from "../../errors.js";
import { toolMissingCause } from "../../launch/tool-missing.js";

interface Rule {
  id: string;
  pattern: RegExp;
  summary: (m: RegExpMatchArray) => string;
  hint: string;
}

const RULES: Rule[] = [
  {
    id: "vllm-tp-heads",
    pattern: /Total number of attention heads \((\d+)\) must be divisible by tensor parallel size \((\d+)\)/,
    summary: (m) => `tensor parallel size ${m[2]} does not divide the model's ${m[1]} attention heads`,
    hint: "choose a tensor_parallel_size that divides the head count (Qwen2.5-7B: 1, 2 or 4; Qwen2.5-32B: 1, 2, 4 or 8)",
  },
  {
    id: "vllm-max-model-len",
    pattern: /User-specified max_model_len \((\d+)\) is greater than the derived max_model_len \(([^)]*)\)?/,
    summary: (m) => `max_model_len ${m[1]} is larger than the model allows${m[2] ? ` (${m[2]})` : ""}`,
    hint: "lower max_model_len to the model's max_position_embeddings (VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 only with RoPE scaling configured)",
  },
  {
    id: "vllm-kv-cache-too-small",
    pattern:
      /(To serve at least one request with the models?'s max seq len \((\d+)\))|(max seq len \((\d+)\) is larger than the maximum number of tokens that can be stored in KV cache)|(larger than the available KV cache memory)/,
    summary: (m) => `the KV cache cannot hold one request of max_model_len${(m[2] ?? m[4]) ? ` ${m[2] ?? m[4]}` : ""} tokens`,
    hint: "lower max_model_len, raise gpu_memory_utilization, or raise tensor_parallel_size",
  },
  {
    id: "vllm-no-kv-cache",
    pattern: /No available memory for the cache blocks/,
    summary: () => "no GPU memory is left for the KV cache after loading the weights",
    hint: "raise gpu_memory_utilization, free the GPU from other processes, or raise tensor_parallel_size",
  },
  {
    id: "gpu-busy",
    pattern: /Free memory on device .*on startup is less than desired GPU memory utilization/,
    summary: () => "the GPU is partly used by another process",
    hint: "stop the other process on the GPU (nvidia-smi) or lower gpu_memory_utilization",
  },
  {
    id: "cuda-oom",
    pattern: /CUDA out of memory|OutOfMemoryError/,
    summary: () => "CUDA out of memory while starting vLLM",
    hint: "the weights or warm-up did not fit: raise tensor_parallel_size, lower max_num_seqs / max_model_len, or check nothing else uses the GPU",
  },
  {
    id: "port-in-use",
    pattern: /Address already in use/,
    summary: () => "the server port is already in use",
    hint: "leave the port unset so a free one is chosen, or stop the process holding it",
  },
  {
    id: "vllm-bad-flag",
    pattern: /error: (unrecognized arguments: .+|argument [^:]+: .+)/,
    summary: (m) => `vLLM rejected its command line: ${m[1]}`,
    hint: "this vLLM version does not accept a rendered or extra flag; check the installed version against the configured one",
  },
  {
    id: "vllm-model-not-found",
    pattern: /(Invalid repository ID or local directory|does not appear to have a file named config\.json|Repo id must be in the form)/,
    summary: () => "vLLM could not find the model folder",
    hint: "point the model at the merged Hugging Face folder (it must contain config.json)",
  },
];

export const VLLM_FAILURE_IDS = RULES.map((r) => r.id);

export function classifyVllmLog(lines: readonly string[]): FailureCause {
  // The job's own check (Slurm, Ray) found no vllm where it runs: nothing of vLLM's started.
  const missing = toolMissingCause(lines);
  if (missing) return missing;
  for (const rule of RULES) {
    for (const line of lines) {
      const m = line.match(rule.pattern);
      if (m) return { id: rule.id, summary: rule.summary(m), hint: rule.hint };
    }
  }
  return { id: "unknown", summary: "vLLM exited during start-up", hint: "read the log tail below; the root cause is usually the first Traceback" };
}
