// The resource planner: before launch, whether each GPU stage fits and how long and how much it takes.
export { GPU_TABLE, GPU_DEFAULTS, resolveGpu, type Gpu, type GpuInput } from "./gpus.js";
export { builtinDims, dimsFromConfig, paramCount, largestLayerParams, resolveModel, type ModelDims, type ModelInfo } from "./model-dims.js";
export { sftEstimator, type SftFixKeys } from "./estimate-sft.js";
export { grpoEstimator, type GrpoFixKeys } from "./estimate-grpo.js";
export { serveEstimator, type ServeFixKeys } from "./estimate-serve.js";
export { resourceProblems, resourceWarnings } from "./problems.js";
export { resourcesTable } from "./table.js";
export type { StageResources, MemoryBreakdown, Fix, Fit, KvCache } from "./types.js";
