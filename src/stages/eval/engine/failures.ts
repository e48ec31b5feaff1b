// Why an evaluation stopped, in words: the endpoint went away, refused the model name or the key, or kept failing.
import type { FailureCause } from "../../../errors.js";
import type { LlmError, LlmFailureReason } from "../../../llm/index.js";

/** Failures that say nothing about one item but about the endpoint: the run stops at once instead of failing every item. */
const FATAL: ReadonlySet<LlmFailureReason> = new Set([
  "connection",
  "timeout",
  "server-error",
  "rate-limited",
  "malformed-response",
  "not-found",
  "auth",
  "config",
]);

export function isFatalForRun(reason: LlmFailureReason): boolean {
  return FATAL.has(reason);
}

export function endpointFailure(error: LlmError, where: string, progress: { benchmark: string; done: number; total: number }): FailureCause {
  const kept = `${progress.done} of ${progress.total} ${progress.benchmark} items are finished and kept in the journal; a rerun continues from there`;
  switch (error.reason) {
    case "connection":
    case "timeout":
      return {
        id: "endpoint-unreachable",
        summary: `the endpoint ${where} stopped answering (${error.message}); ${kept}`,
        hint: "the server died or is unreachable: look at the deploy stage's log (`dianjin-train logs <config> deploy`), then rerun",
      };
    case "not-found":
      return {
        id: "model-not-found",
        summary: `the endpoint ${where} does not serve the model asked for (${error.message})`,
        hint: "check stages.eval.endpoint.model against the server's --served-model-name (GET /v1/models)",
      };
    case "auth":
      return {
        id: "endpoint-auth",
        summary: `the endpoint ${where} refused the API key (${error.message})`,
        hint: "set the variable named by api_key_env to the key the server expects",
      };
    case "config":
      return { id: "endpoint-config", summary: error.message, hint: "check stages.eval.endpoint (base_url, api_key_env)" };
    default:
      return {
        id: "endpoint-failing",
        summary: `the endpoint ${where} kept failing (${error.message}); ${kept}`,
        hint: "a server error that persists over retries usually means the engine died (EngineDeadError in the vLLM log); restart the server and rerun",
      };
  }
}
