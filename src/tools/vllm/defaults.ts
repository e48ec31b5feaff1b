// Every default of the vLLM tool layer, in one place.

export const VLLM_DEFAULTS = {
  command: ["vllm"] as readonly string[],
  /** Only the local client talks to the server. */
  host: "127.0.0.1",
  /** Explicit: a float32 config.json would otherwise be served as float16 by vLLM ≤ 0.10.0. */
  dtype: "bfloat16",
  /** Neutral sampling defaults, so generation_config.json does not silently change eval sampling. */
  generationConfig: "vllm",
  gpuMemoryUtilization: 0.9,
  tensorParallelSize: 1,
  /** 7B loads in 1–3 min, 32B in up to ~5; first torch.compile adds more. */
  startupTimeoutMs: 15 * 60_000,
  pollIntervalMs: 1_000,
  /** One readiness request; the server answers these in milliseconds once up. */
  requestTimeoutMs: 5_000,
  logTailLines: 40,
  /** vLLM reads the key from this variable, so it never appears in argv (ps) or in state. */
  apiKeyEnv: "VLLM_API_KEY",
} as const;
