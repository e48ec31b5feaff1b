// EvalScope driver for MATH-500 and GPQA-Diamond against an OpenAI-compatible (vLLM) endpoint.
export { renderEvalscopeCommand, type EvalscopeCommand, type EvalscopeRunSpec, type EvalscopeGeneration, type RenderOptions } from "./render.js";
export { detectEvalscopeVersion, parseEvalscopeVersion, eraOf, type EvalscopeEra, type EvalscopeVersion } from "./version.js";
export { parseEvalscopeReport, EvalscopeReportError, type ParsedEvalscopeReport, type EvalscopeReportLayout } from "./report-parse.js";
export { readEvalscopeScores, findRunDir, listRunDirs, type EvalscopeScore } from "./report-read.js";
export { runEvalscope, type RunEvalscopeOptions, type EvalscopeRunResult } from "./run.js";
export { classifyEvalscopeFailure } from "./failures.js";
export { EVALSCOPE_DATASETS, type EvalscopeBenchmark } from "./benchmarks.js";
export { EVALSCOPE_DEFAULTS, API_KEY_ENV_POINTER } from "./defaults.js";
export { EVALSCOPE_KEY_LAUNCHER } from "./launcher.js";
export type { EvalscopeOrigin } from "./origin.js";
export { evalscopeScoresToReport } from "./to-report.js";
