// The SFT resources from the run's training shape (a backend states it in the estimate's terms, with its tool's
// defaults), the DeepSpeed JSON, the model's dimensions and the training tokens.
import type { DeepSpeedChoice } from "../tools/hf-trainer/deepspeed.js";
import { sftZeroShape, type ZeroShape } from "./deepspeed-shape.js";
import { fitOf } from "./fit.js";
import { firstFitting, fittingFixes, halvings, type Candidate } from "./fixes.js";
import type { ExperimentInput, SftInput, SftTraining } from "./inputs.js";
import { resolveGpu } from "./gpus.js";
import type { ModelInfo } from "./model-dims.js";
import { loraParams, sftMemory, type SftShape } from "./sft-memory.js";
import { readStats, tokensFromFiles, tokensFromStats, type TokenCount } from "./sft-tokens.js";
import { hoursFor, trainFlopsPerToken } from "./time.js";
import type { StageResources } from "./types.js";
import { round2, toGb } from "./units.js";

export function sftShape(config: ExperimentInput, training: SftTraining, model: ModelInfo, zero: ZeroShape): SftShape {
  const d = model.dims;
  const layerParams = (model.params - d.vocab * d.hidden * (d.tied_embeddings ? 1 : 2)) / d.layers;
  const trainable =
    training.finetuning === "lora" ? loraParams(d, training.loraRank) : training.finetuning === "freeze" ? training.freezeLayers * layerParams : model.params;
  return {
    dims: d,
    params: model.params,
    nodes: config.cluster.nodes,
    gpusPerNode: config.cluster.gpus_per_node,
    zero,
    finetuning: training.finetuning,
    trainable,
    weightBits: training.weightBits,
    cutoff: training.cutoff,
    microBatch: training.microBatch,
    checkpointing: training.checkpointing,
    eagerAttention: training.eagerAttention,
    packing: training.packing,
  };
}

/** Where the calling stage keeps each setting a fix may change (dotted keys; the estimate names no stage). */
export interface SftFixKeys {
  /** The whole change that turns gradient checkpointing on (`key: value`): tools spell it differently. */
  checkpointingOn: string;
  microBatch: string;
  deepspeed: string;
  cutoff: string;
}

function sftCandidates(shape: SftShape, deepspeed: DeepSpeedChoice, limit: number, keys: SftFixKeys): Candidate[] {
  const total = (s: SftShape) => sftMemory(s).perGpu.total;
  const out: Candidate[] = [];
  if (!shape.checkpointing) {
    out.push({
      change: keys.checkpointingOn,
      tradeoff: "recomputes activations: ~30% slower steps",
      total: () => total({ ...shape, checkpointing: true }),
    });
  }
  out.push(
    ...firstFitting(
      halvings(shape.microBatch, 1),
      (b) => total({ ...shape, microBatch: b }),
      limit,
      (b) => ({
        change: `${keys.microBatch}: ${b}`,
        tradeoff: `raise gradient_accumulation_steps ×${shape.microBatch / b} to keep the batch; slower steps`,
      }),
    ),
  );
  const offloaded: Array<[DeepSpeedChoice, ZeroShape]> = [
    ...(shape.zero.stage === 2 && !shape.zero.offloadOptimizer
      ? [["zero2_offload", { stage: 2, offloadOptimizer: true, offloadParams: false }] as [DeepSpeedChoice, ZeroShape]]
      : []),
    ["zero3", { stage: 3, offloadOptimizer: false, offloadParams: false }],
    ["zero3_offload", { stage: 3, offloadOptimizer: true, offloadParams: true }],
  ];
  for (const [preset, zero] of offloaded) {
    if (preset === deepspeed || (shape.zero.stage === 3 && preset === "zero3")) continue;
    const tradeoff = preset === "zero3" ? "shards all model states over the GPUs" : "model states in host RAM: much slower steps, needs host memory";
    out.push({ change: `${keys.deepspeed}: ${preset}`, tradeoff, total: () => total({ ...shape, zero }) });
  }
  out.push(
    ...firstFitting(
      halvings(shape.cutoff, 512),
      (c) => total({ ...shape, cutoff: c }),
      limit,
      (c) => ({
        change: `${keys.cutoff}: ${c}`,
        tradeoff: "longer records are truncated, cutting their reasoning",
      }),
    ),
  );
  out.push(
    ...firstFitting(
      [2, 4, 8, 16].map((k) => shape.nodes * k),
      (n) => total({ ...shape, nodes: n }),
      limit,
      (n) => ({
        change: `cluster.nodes: ${n}`,
        tradeoff: `${n * shape.gpusPerNode} GPUs in all`,
      }),
    ),
  );
  return out;
}

export interface SftInputs {
  config: ExperimentInput;
  sft: SftInput;
  /** How it trains, as the backend states it with its tool's defaults. */
  training: SftTraining;
  model: ModelInfo;
  /** The data stage's stats.json, when it wrote one. */
  statsPath?: string;
}

/** The SFT estimate for a stage whose fix keys are `keys`. */
export function sftEstimator(keys: SftFixKeys): (inputs: SftInputs) => Promise<StageResources> {
  return (inputs) => estimateSft(inputs, keys);
}

async function estimateSft({ config, sft, training, model, statsPath }: SftInputs, keys: SftFixKeys): Promise<StageResources> {
  const gpu = resolveGpu(config.cluster.gpu);
  const shape = sftShape(config, training, model, await sftZeroShape(sft.deepspeed));
  const memory = sftMemory(shape);
  const lower = sftMemory(shape, "lower").perGpu;
  const limit = round2(gpu.headroom * gpu.memory_gb);
  const gpus = shape.nodes * shape.gpusPerNode;
  const fit = fitOf(memory.perGpu.total, limit, lower.total, gpu.memory_gb);
  const notes = [
    `${shape.finetuning} fine-tuning, ZeRO-${shape.zero.stage}${shape.zero.offloadOptimizer ? " with CPU offload" : ""}, cutoff ${shape.cutoff} × micro batch ${shape.microBatch}, gradient checkpointing ${shape.checkpointing ? "on" : "off"}`,
  ];

  const stats = tokensFromStats((await readStats(statsPath)) ?? { tokenizer: "", rows: [] }, sft.datasets, shape.cutoff);
  const tokens: TokenCount | undefined = stats ?? (await tokensFromFiles(sft, shape.cutoff));
  const epochs = training.epochs;
  let hours: ReturnType<typeof hoursFor> | undefined;
  if (tokens && tokens.records > 0) {
    const meanSeq = tokens.tokens / tokens.records;
    hours = hoursFor(tokens.tokens * epochs * trainFlopsPerToken(model.params, model.dims, meanSeq), gpus, gpu);
  } else {
    notes.push("time unknown: the dataset files are not readable yet and the data stage has no statistics");
  }
  return {
    gpus,
    gpu_type: gpu.type,
    gpu_memory_gb: gpu.memory_gb,
    limit_gb: limit,
    per_gpu_gb: memory.perGpu,
    capacity_gb: gpu.memory_gb,
    lower_gb: lower,
    ...(memory.hostBytes ? { host_ram_gb: toGb(memory.hostBytes) } : {}),
    fit,
    model: { params: model.params, source: model.source },
    ...(tokens ? { tokens: { per_epoch: tokens.tokens, source: tokens.source } } : {}),
    gpu_hours: hours?.gpu_hours ?? null,
    wall_hours: hours?.wall_hours ?? null,
    ...(hours?.cost !== undefined ? { cost: hours.cost } : {}),
    notes,
    ...(fit === "fits" ? {} : { fixes: fittingFixes(sftCandidates(shape, sft.deepspeed, limit, keys), limit) }),
  };
}
