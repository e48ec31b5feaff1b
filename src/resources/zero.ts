// DeepSpeed's own estimators of the memory that model states take (deepspeed.runtime.zero.stage_1_and_2
// .estimate_zero2_model_states_mem_needs and stage3.estimate_zero3_model_states_mem_needs), in bytes. Same inputs,
// same rules: mixed-precision Adam; ZeRO-3 gathers one layer at a time; offload keeps model states in host RAM.

/** DeepSpeed's default additional_buffer_factor for host memory. */
export const HOST_BUFFER_FACTOR = 1.5;

export interface ZeroEstimate {
  /** Per GPU: the partitioned states DeepSpeed keeps on the GPU. */
  gpuBytes: number;
  /** Per GPU: the gathered working copy of the largest layer (ZeRO-3 only; in gpuBytes too). */
  gatheredBytes: number;
  /** Per node: host RAM. */
  cpuBytes: number;
}

export function zero2ModelStates(totalParams: number, gpusPerNode: number, nodes: number, cpuOffload: boolean): ZeroEstimate {
  const totalGpus = gpusPerNode * nodes;
  if (cpuOffload) return { gpuBytes: 2 * totalParams, gatheredBytes: 0, cpuBytes: Math.trunc(totalParams * Math.max(4 * totalGpus, 16) * HOST_BUFFER_FACTOR) };
  return {
    gpuBytes: 4 * totalParams + Math.trunc((16 * totalParams) / totalGpus),
    gatheredBytes: 0,
    cpuBytes: Math.trunc(totalParams * 4 * gpusPerNode * HOST_BUFFER_FACTOR),
  };
}

/** zero_init = true (transformers loads ZeRO-3 models partitioned from the start). */
export function zero3ModelStates(
  totalParams: number,
  largestLayerParams: number,
  gpusPerNode: number,
  nodes: number,
  offload: { optimizer: boolean; params: boolean },
): ZeroEstimate {
  const totalGpus = gpusPerNode * nodes;
  const gathered = 4 * largestLayerParams;
  const perNode = totalParams / nodes;
  if (offload.optimizer && offload.params) return { gpuBytes: gathered, gatheredBytes: gathered, cpuBytes: Math.trunc(perNode * 18 * HOST_BUFFER_FACTOR) };
  if (offload.optimizer)
    return { gpuBytes: gathered + Math.trunc((2 * totalParams) / totalGpus), gatheredBytes: gathered, cpuBytes: Math.trunc(perNode * 16 * HOST_BUFFER_FACTOR) };
  return {
    gpuBytes: gathered + Math.trunc((18 * totalParams) / totalGpus),
    gatheredBytes: gathered,
    cpuBytes: Math.trunc(largestLayerParams * 4 * gpusPerNode * HOST_BUFFER_FACTOR),
  };
}

/** No DeepSpeed: plain DDP with the HF Trainer in bf16 keeps fp32 weights, fp32 grads and Adam's two moments. */
export function ddpModelStates(totalParams: number): ZeroEstimate {
  return { gpuBytes: 16 * totalParams, gatheredBytes: 0, cpuBytes: 0 };
}
