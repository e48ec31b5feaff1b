// The resource planner: before launch, whether each GPU stage fits and how long and how much it takes.
export { GPU_TABLE, GPU_DEFAULTS, resolveGpu, type Gpu, type GpuInput } from "./gpus.js";
export { builtinDims, dimsFromConfig, paramCount, largestLayerParams, resolveModel, type ModelDims, type ModelInfo } from "./model-dims.js";
export { estimateSft } from "./estimate-sft.js";
export { estimateGrpo } from "./estimate-grpo.js";
export { estimateServe } from "./estimate-serve.js";
export { resourceProblems, resourceWarnings } from "./problems.js";
export { resourcesTable } from "./table.js";
export type { StageResources, MemoryBreakdown, Fix, Fit, KvCache } from "./types.js";
