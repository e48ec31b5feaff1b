// Every default of the EvalScope tool layer, in one place.

export const EVALSCOPE_DEFAULTS = {
  /** How EvalScope is started when no API key is involved. */
  command: ["evalscope"] as readonly string[],
  /** Interpreter for the key launcher (see launcher.ts); must be the one EvalScope is installed in. */
  python: "python3",
  generation: {
    // The paper does not publish eval decoding settings; these are its GRPO rollout settings.
    temperature: 0.6,
    topP: 0.95,
    // Serve with --max-model-len 16384: vLLM rejects prompt + max_tokens above it, so leave room for the prompt.
    maxTokens: 12288,
  },
  /** Concurrent requests; EvalScope's own default is 1, which leaves vLLM idle. */
  evalBatchSize: 64,
  /** Per-request timeout in seconds; long reasoning at low throughput can take many minutes. */
  timeoutSeconds: 3600,
  /** Streaming keeps long generations from hitting HTTP read timeouts. */
  stream: true,
  benchmarks: ["math500", "gpqa_diamond"] as const,
  /** `evalscope --version` should answer within this. */
  versionTimeoutMs: 60_000,
} as const;

/** The environment variable (set by us) that names the variable holding the API key. */
export const API_KEY_ENV_POINTER = "DIANJIN_EVALSCOPE_API_KEY_ENV";
