// The deploy stage's resources (eval uses the same servers): one vLLM engine per replica on tensor_parallel_size GPUs.
import { fitOf } from "./fit.js";
import { firstFitting, fittingFixes } from "./fixes.js";
import { resolveGpu } from "./gpus.js";
import type { ExperimentInput, ServeInput } from "./inputs.js";
import type { ModelInfo } from "./model-dims.js";
import { serveMemory, type ServeShape } from "./serve-memory.js";
import type { StageResources } from "./types.js";

/** Where the calling stage keeps each setting a fix may change (dotted keys; the estimate names no stage). */
export interface ServeFixKeys {
  tp: string;
  maxModelLen: string;
}

/** The serving estimate for a stage whose fix keys are `keys`. */
export function serveEstimator(keys: ServeFixKeys): (config: ExperimentInput, deploy: ServeInput, model: ModelInfo) => StageResources {
  return (config, deploy, model) => estimateServe(config, deploy, model, keys);
}

function estimateServe(config: ExperimentInput, deploy: ServeInput, model: ModelInfo, keys: ServeFixKeys): StageResources {
  const gpu = resolveGpu(config.cluster.gpu);
  // vLLM's default max_model_len is the model's context; 32768 for the Qwen2.5/Qwen3 configs.
  const shape: ServeShape = {
    dims: model.dims,
    params: model.params,
    tp: deploy.tensor_parallel_size,
    utilization: deploy.gpu_memory_utilization,
    memoryGb: gpu.memory_gb,
    maxModelLen: deploy.max_model_len ?? 32768,
  };
  const memory = serveMemory(shape);
  const lower = serveMemory(shape, "lower").perGpu;
  // vLLM takes exactly its share of the card and checks against it: the share is both the limit and the capacity.
  const fit = fitOf(memory.perGpu.total, memory.limitGb, lower.total, memory.limitGb);
  const notes = [
    `${deploy.replicas} replica(s) × TP ${shape.tp}; vLLM takes ${memory.limitGb} GB per GPU (gpu_memory_utilization ${shape.utilization}); the KV cache holds ${memory.kv.capacity_tokens} tokens per replica (${Math.floor(memory.kv.capacity_tokens / shape.maxModelLen)} requests of max_model_len ${shape.maxModelLen})`,
  ];
  const total = (over: Partial<ServeShape>) => serveMemory({ ...shape, ...over }).perGpu.total;
  const largerTp = [2, 4, 8].map((k) => shape.tp * k).filter((tp) => tp <= config.cluster.gpus_per_node && model.dims.heads % tp === 0);
  const shorter = [16384, 8192, 4096].filter((l) => l < shape.maxModelLen);
  const candidates = [
    ...firstFitting(
      largerTp,
      (tp) => total({ tp }),
      memory.limitGb,
      (tp) => ({ change: `${keys.tp}: ${tp}`, tradeoff: "fewer replicas on the same GPUs" }),
    ),
    ...firstFitting(
      shorter,
      (l) => total({ maxModelLen: l }),
      memory.limitGb,
      (l) => ({ change: `${keys.maxModelLen}: ${l}`, tradeoff: "longer requests are refused" }),
    ),
  ];
  const fixes = fit === "fits" ? [] : fittingFixes(candidates, memory.limitGb);
  return {
    gpus: deploy.replicas * shape.tp,
    gpu_type: gpu.type,
    gpu_memory_gb: gpu.memory_gb,
    limit_gb: memory.limitGb,
    per_gpu_gb: memory.perGpu,
    capacity_gb: memory.limitGb,
    lower_gb: lower,
    fit,
    model: { params: model.params, source: model.source },
    kv_cache: memory.kv,
    gpu_hours: null,
    wall_hours: null,
    notes,
    ...(fit === "fits" ? {} : { fixes }),
  };
}
