// Merge tool layer: FSDP checkpoint → Hugging Face folder, and its verification.

export { MERGE_DEFAULTS } from "./defaults.js";
export { listSteps, locateStep, inspectActorShards, type StepChoice, type CheckpointStep, type ActorShards } from "./checkpoint.js";
export { renderMerge, seedMergeScriptPath, type MergeOptions, type MergeCommand, type MergerKind } from "./render.js";
export { readSafetensorsHeader, type SafetensorsHeader, type TensorEntry, type HeaderResult } from "./safetensors-header.js";
export { qwen2Tensors, qwen2ParamCount, isQwen2Config, type Qwen2Config, type ExpectedTensor } from "./qwen2-params.js";
export { DTYPE_BYTES, normalizeDtype } from "./dtypes.js";
export { verifyMergedModel, INDEX_FILE, SINGLE_FILE, type VerifyOptions, type VerifyReport, type VerifyProblem, type VerifyProblemCode } from "./verify.js";
export { formatVerifyReport, mergeVerifyFailure } from "./verify-report.js";
