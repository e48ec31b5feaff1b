// The GRPO stage's resources: verl's options (actor/ref offload, micro batch, rollout TP and memory share), the
// model's dimensions and, when the RL rows can be counted before launch, the steps → time.
import { readFile } from "node:fs/promises";
import { parseRecords } from "../tools/llamafactory/datasets.js";
import { fitOf, worse } from "./fit.js";
import { firstFitting, fittingFixes, halvings, type Candidate } from "./fixes.js";
import { GPU_DEFAULTS, resolveGpu } from "./gpus.js";
import { grpoMemory, type GrpoShape } from "./grpo-memory.js";
import type { ExperimentInput, GrpoInput } from "./inputs.js";
import type { ModelInfo } from "./model-dims.js";
import { grpoFlops, hoursFor } from "./time.js";
import type { StageResources } from "./types.js";
import { round2 } from "./units.js";

export function grpoShape(config: ExperimentInput, grpo: GrpoInput, model: ModelInfo): GrpoShape {
  const gpu = resolveGpu(config.cluster.gpu);
  return {
    dims: model.dims,
    params: model.params,
    gpus: config.cluster.nodes * config.cluster.gpus_per_node,
    memoryGb: gpu.memory_gb,
    promptLen: grpo.data.max_prompt_length,
    responseLen: grpo.data.max_response_length,
    trainBatch: grpo.data.train_batch_size,
    n: grpo.rollout.n,
    microBatch: grpo.actor.ppo_micro_batch_size_per_gpu,
    sequenceParallel: grpo.actor.ulysses_sequence_parallel_size,
    checkpointing: grpo.actor.enable_gradient_checkpointing,
    removePadding: grpo.actor.use_remove_padding,
    actorParamOffload: grpo.actor.param_offload,
    actorOptimizerOffload: grpo.actor.optimizer_offload,
    refParamOffload: grpo.ref.param_offload,
    tp: grpo.rollout.tensor_model_parallel_size,
    utilization: grpo.rollout.gpu_memory_utilization,
  };
}

/** Where the calling stage keeps each setting a fix may change (dotted keys; the estimate names no stage). */
export interface GrpoFixKeys {
  actorParamOffload: string;
  actorOptimizerOffload: string;
  refParamOffload: string;
  checkpointing: string;
  microBatch: string;
  rolloutUtilization: string;
  rolloutTp: string;
}

function grpoCandidates(shape: GrpoShape, nodes: number, limit: number, keys: GrpoFixKeys): Candidate[] {
  const total = (s: GrpoShape) => grpoMemory(s).perGpu.total;
  const out: Candidate[] = [];
  const flags: Array<[keyof GrpoShape, string]> = [
    ["actorParamOffload", `${keys.actorParamOffload}: true`],
    ["actorOptimizerOffload", `${keys.actorOptimizerOffload}: true`],
    ["refParamOffload", `${keys.refParamOffload}: true`],
  ];
  const off = flags.filter(([k]) => !shape[k]);
  if (off.length)
    out.push({
      change: off.map(([, c]) => c).join(", "),
      tradeoff: "moved to host RAM between phases: slower phase switches",
      total: () => total({ ...shape, actorParamOffload: true, actorOptimizerOffload: true, refParamOffload: true }),
    });
  if (!shape.checkpointing)
    out.push({
      change: `${keys.checkpointing}: true`,
      tradeoff: "~30% slower updates",
      total: () => total({ ...shape, checkpointing: true }),
    });
  out.push(
    ...firstFitting(
      halvings(shape.microBatch, 1),
      (b) => total({ ...shape, microBatch: b }),
      limit,
      (b) => ({ change: `${keys.microBatch}: ${b}`, tradeoff: "same batch, more micro steps" }),
    ),
  );
  out.push(
    ...firstFitting(
      [0.5, 0.4, 0.3].filter((u) => u < shape.utilization),
      (u) => total({ ...shape, utilization: u }),
      limit,
      (u) => ({
        change: `${keys.rolloutUtilization}: ${u}`,
        tradeoff: "smaller KV cache: rollout in more waves",
      }),
    ),
  );
  out.push(
    ...firstFitting(
      [2, 4].map((k) => shape.tp * k).filter((tp) => tp <= shape.gpus),
      (tp) => total({ ...shape, tp }),
      limit,
      (tp) => ({ change: `${keys.rolloutTp}: ${tp}`, tradeoff: "fewer rollout engines" }),
    ),
  );
  out.push(
    ...firstFitting(
      [2, 4, 8],
      (k) => total({ ...shape, gpus: shape.gpus * k }),
      limit,
      (k) => ({ change: `cluster.nodes: ${nodes * k}`, tradeoff: `${shape.gpus * k} GPUs in all` }),
    ),
  );
  return out;
}

/** RL training rows, when countable before launch (a CFLUE file, or ready Parquet). */
export async function rlTrainRows(grpo: Pick<GrpoInput, "rl_data">, upstreamTrain?: string): Promise<number | undefined> {
  const data = grpo.rl_data;
  try {
    if (data && "cflue_mcq" in data) {
      const records = parseRecords(await readFile(data.cflue_mcq, "utf8"), data.cflue_mcq).length;
      return Math.floor(records * (1 - data.val_fraction));
    }
    const parquet = data && "train" in data ? data.train : upstreamTrain;
    if (!parquet) return undefined;
    // Loaded only when there is a Parquet to read: keeps it out of `plan`'s start-up.
    const { asyncBufferFromFile, parquetMetadataAsync } = await import("hyparquet");
    return Number((await parquetMetadataAsync(await asyncBufferFromFile(parquet))).num_rows);
  } catch {
    return undefined;
  }
}

/** The GRPO estimate for a stage whose fix keys are `keys`. */
export function grpoEstimator(
  keys: GrpoFixKeys,
): (config: ExperimentInput, grpo: GrpoInput, model: ModelInfo, upstreamTrain?: string) => Promise<StageResources> {
  return (config, grpo, model, upstreamTrain) => estimateGrpo(config, grpo, model, keys, upstreamTrain);
}

async function estimateGrpo(config: ExperimentInput, grpo: GrpoInput, model: ModelInfo, keys: GrpoFixKeys, upstreamTrain?: string): Promise<StageResources> {
  const gpu = resolveGpu(config.cluster.gpu);
  const shape = grpoShape(config, grpo, model);
  const memory = grpoMemory(shape);
  const lower = grpoMemory(shape, "lower").perGpu;
  const limit = round2(gpu.headroom * gpu.memory_gb);
  const kv = memory.kv;
  const kvFits = kv.capacity_tokens >= kv.min_tokens;
  const kvFit = kv.capacity_tokens_best < kv.min_tokens ? "cannot-fit" : kvFits ? "fits" : "tight";
  const fit = worse(fitOf(memory.perGpu.total, limit, lower.total, gpu.memory_gb), kvFit);
  const notes = [
    `peak in the ${memory.phase} phase (rollout ${memory.phases.rollout} GB, update ${memory.phases.update} GB); lengths are the maxima, an upper bound`,
  ];
  if (!kvFits)
    notes.push(
      `the rollout KV cache holds ${kv.capacity_tokens} tokens (${kv.capacity_tokens_best} at vLLM's smallest runtime), less than one prompt + response (${kv.min_tokens}): vLLM may not start`,
    );
  else if (memory.kv.wanted_tokens! > memory.kv.capacity_tokens)
    notes.push(
      `a step asks each rollout engine for ${memory.kv.wanted_tokens} tokens of KV cache, it holds ${memory.kv.capacity_tokens}: generation runs in ~${Math.ceil(memory.kv.wanted_tokens! / memory.kv.capacity_tokens)} waves`,
    );

  const rows = await rlTrainRows(grpo, upstreamTrain);
  let hours: ReturnType<typeof hoursFor> | undefined;
  if (rows !== undefined) {
    const steps = Math.max(1, Math.floor(rows / shape.trainBatch)) * grpo.trainer.total_epochs;
    const flops = grpoFlops(model.params, shape.trainBatch * shape.n, shape.promptLen + shape.responseLen);
    const rollout = hoursFor(steps * flops.rollout, shape.gpus, gpu, GPU_DEFAULTS.rollout_mfu);
    const training = hoursFor(steps * flops.training, shape.gpus, gpu);
    const gpu_hours = round2(rollout.gpu_hours + training.gpu_hours);
    hours = { gpu_hours, wall_hours: round2(gpu_hours / shape.gpus), ...(gpu.hourly_cost !== undefined ? { cost: round2(gpu_hours * gpu.hourly_cost) } : {}) };
    notes.push(
      `${steps} steps (${rows} RL rows ÷ batch ${shape.trainBatch} × ${grpo.trainer.total_epochs} epochs), every response at max length: an upper bound`,
    );
  } else {
    notes.push("time unknown: the RL rows are counted when the RL Parquet is built");
  }
  return {
    gpus: shape.gpus,
    gpu_type: gpu.type,
    gpu_memory_gb: gpu.memory_gb,
    limit_gb: limit,
    per_gpu_gb: memory.perGpu,
    capacity_gb: gpu.memory_gb,
    lower_gb: lower,
    fit,
    model: { params: model.params, source: model.source },
    kv_cache: memory.kv,
    gpu_hours: hours?.gpu_hours ?? null,
    wall_hours: hours?.wall_hours ?? null,
    ...(hours?.cost !== undefined ? { cost: hours.cost } : {}),
    notes,
    ...(fit === "fits" ? {} : { fixes: fittingFixes(grpoCandidates(shape, config.cluster.nodes, limit, keys), limit) }),
  };
}
