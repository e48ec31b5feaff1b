// Evaluation: benchmark readers, the journaled request runner, scoring glue, EvalScope hand-off.
export { EVAL_DEFAULTS, type FileBenchmark, type EvalscopeBenchmarkName } from "./defaults.js";
export type { EvalItem } from "./items.js";
export { readBenchmark, type ReadBenchmarkOptions } from "./read-benchmark.js";
export { cfluePrompt, finqaPrompt, cccPrompt, finqaJudgePrompt, PROMPT_VERSION } from "./prompts.js";
export { scoreSample, type SampleScore, type ScoreOptions } from "./score.js";
export { ReplicaPool } from "./replicas.js";
export { createEndpointClient, type EvalEndpoint } from "./endpoint-client.js";
export { runBenchmark, scoreItem, journalRequest, type RunBenchmarkOptions, type BenchmarkRun, type BenchmarkProgress } from "./runner.js";
export { judgeFinqa, type JudgeOptions } from "./judge.js";
export { summarize, type ItemResult, type SampleResult, type JournalEntry, type BenchmarkSummary } from "./results.js";
export { evaluate, EVAL_FILES, type EvaluateOptions, type EvaluateResult, type Scores } from "./evaluate.js";
export { resolveSampling, resolveConcurrency, resolveEndpoint, modelIdentity, maxNumSeqs } from "../settings.js";
export { endpointFailure, isFatalForRun } from "./failures.js";
export { probeEndpoints } from "../../../llm/probe.js";
