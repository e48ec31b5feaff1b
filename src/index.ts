// Public API.
export * from "./errors.js";
export type * from "./launch/types.js";
export { loadExperiment, validateExperiment, type LoadOptions, type LoadedExperiment } from "./config/load.js";
export { experimentSchema, type Experiment, type ExperimentInput } from "./config/schema.js";
export { planPipeline, planFromLoaded, planToJson, type Plan, type PlannedStage, type PlanOptions, type StageAction } from "./pipeline/plan.js";
export { preflightPlan, describeMissingTool, type PreflightReport, type StageProblem, type MissingTool } from "./pipeline/preflight.js";
export { runPipeline, type RunOptions, type RunResult, type StageResult } from "./pipeline/apply.js";
export type { PipelineEvent, EventSink } from "./contract/events.js";
export { readState, type RunState, type StageState } from "./pipeline/state.js";
export { STAGE_ORDER, type StageName } from "./stages/registry.js";
export { createLocalLauncher } from "./launch/local.js";
export { createSlurmLauncher, type SlurmLauncherOptions } from "./launch/slurm/index.js";
export { createRayLauncher, type RayLauncherOptions } from "./launch/ray/index.js";
export { verifyMergedModel, type VerifyReport } from "./tools/merge/index.js";
export { buildReport, writeReport, type ReportInput, type ReportSection } from "./report/index.js";
export * as scoring from "./scoring/index.js";
export { LlmClient, Journal, runJournaled, type ChatRequest, type ChatResult } from "./llm/index.js";
export { writeRlParquet, type RlRow } from "./data/parquet.js";
export { GPU_TABLE, resolveGpu, resolveModel, type StageResources, type Fix, type KvCache, type MemoryBreakdown } from "./resources/index.js";
// The estimates as the stages run them (their own fix keys).
export { estimateSft } from "./stages/sft/backends/llamafactory-resources.js";
export { estimateGrpo } from "./stages/grpo/resources.js";
export { estimateServe } from "./stages/deploy/resources.js";
