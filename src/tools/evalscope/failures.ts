// Names the cause of a failed EvalScope run from its output.

import type { FailureCause } from "../../errors.js";

const PATTERNS: { id: string; test: RegExp; summary: string; hint: string }[] = [
  {
    id: "evalscope-era-mismatch",
    test: /argument --eval-type: invalid choice: '(?:service|openai_api)'|unrecognized arguments: .*--no-timestamp/,
    summary: "EvalScope rejected a flag of the other CLI era (service vs openai_api)",
    hint: "the detected EvalScope version does not match the installed one; re-run so the version is detected again, or fix <config>.version",
  },
  {
    id: "evalscope-unknown-flag",
    test: /unrecognized arguments: (.*)/,
    summary: "EvalScope rejected a command-line flag",
    hint: "upgrade or pin EvalScope to a version this library supports (0.13-0.17 or 1.x)",
  },
  {
    id: "evalscope-missing",
    test: /No module named ['"]?evalscope/,
    summary: "the Python interpreter used to start EvalScope does not have it installed",
    hint: "point <config>.python at the interpreter of the environment where `pip install evalscope` was run",
  },
  {
    id: "api-key-missing",
    test: /dianjin-train: the API key variable/,
    summary: "the environment variable named by apiKeyEnv is unset or empty",
    hint: "export the key in the environment of the run (it is never written to the command line or to files)",
  },
  {
    id: "endpoint-unauthorized",
    test: /\b401\b|Unauthorized|AuthenticationError/,
    summary: "the endpoint refused the API key",
    hint: "check that apiKeyEnv names the variable holding the key the server was started with",
  },
  {
    id: "endpoint-model-unknown",
    test: /\b404\b.*does not exist|NotFoundError/,
    summary: "the endpoint does not serve the requested model name",
    hint: "the eval model name must equal vLLM's --served-model-name",
  },
  {
    id: "endpoint-unreachable",
    test: /Connection refused|ConnectError|APIConnectionError|Failed to establish a new connection|ECONNREFUSED/,
    summary: "EvalScope could not reach the endpoint",
    hint: "check that the vLLM server is up (GET /health) and that --api-url ends in /v1",
  },
  {
    id: "benchmark-unknown",
    test: /Benchmark (\S+) not found|(\S+) not found in benchmark registry/,
    summary: "EvalScope does not know a requested dataset name",
    hint: "dataset names differ between EvalScope 0.x (gpqa + subset) and 1.x (gpqa_diamond); check the detected version",
  },
];

/** `configPath`: the experiment's EvalScope block (e.g. "stages.eval.evalscope"), which the hints name keys under. */
export function classifyEvalscopeFailure(output: string, configPath: string): FailureCause {
  for (const p of PATTERNS) if (p.test.test(output)) return { id: p.id, summary: p.summary, hint: p.hint.replaceAll("<config>", configPath) };
  return { id: "unknown", summary: "EvalScope failed", hint: "see the log tail below and EvalScope's logs/eval_log.log" };
}
