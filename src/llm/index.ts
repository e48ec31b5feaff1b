// Public surface of the LLM layer: the OpenAI-compatible client, the journal and the journaled runner.
export { LlmClient, createLlmClient, type LlmClientOptions, type ChatOptions, type RetryEvent } from "./client.js";
export { Journal } from "./journal.js";
export { runJournaled, describeFailure, type ItemOutcome, type RunProgress, type ItemContext, type RunJournaledOptions } from "./run-journaled.js";
export { LlmError, JournalError, isLlmError, isRetryableReason, type LlmFailureReason } from "./errors.js";
export { requestKey, canonicalJson, sha256Hex } from "./canonical.js";
export { backoffDelayMs, retryAfterMs, type BackoffPolicy } from "./backoff.js";
export { parseChatCompletion } from "./response.js";
export { LLM_DEFAULTS } from "./defaults.js";
export type * from "./types.js";
export { probeEndpoint, probeEndpoints, type ProbeTarget, type ProbeFailure, type ProbeProblem } from "./probe.js";
export { timeoutsFromSeconds, type TimeoutSeconds } from "./timeouts.js";
export { WaitBoard, startHeartbeat, type WaitTarget, type RequestWatch, type Waiting } from "./heartbeat.js";
