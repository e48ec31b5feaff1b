// Every default of the LLM client and the journaled runner, in one place.

export const LLM_DEFAULTS = {
  /** Requests in flight per client (all models together). vLLM wants many in flight to batch well. */
  concurrency: 64,
  /** First attempt included. A request is sent at most this many times. */
  maxAttempts: 5,
  /** Exponential backoff: base * 2^(retry-1), capped, then shrunk by up to `jitter` (fraction) at random. */
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  backoffJitter: 0.5,
  /** A server asking for a longer Retry-After is not obeyed beyond this; it must not stall a worker. */
  retryAfterCapMs: 60_000,
  /**
   * Per-attempt bounds (config: timeouts.connect_s / idle_s / total_s). Streaming makes `idleMs` safe for long
   * generations: a live server sends a chunk per token, so only a hung one stays silent for minutes.
   */
  timeouts: { connectMs: 10_000, idleMs: 120_000, totalMs: 3_600_000 },
  /** Requests stream unless an endpoint says `stream: false`. */
  stream: true,
  /** How often a stage says what it waits for while requests are outstanding. */
  heartbeatMs: 10_000,
  /** Pre-flight endpoint probe (GET /models, else a 1-token completion): the whole exchange. */
  probeTimeoutMs: 10_000,
  /** How much of an error body is kept in an error message. */
  errorBodyChars: 300,
  /** Concurrency of runJournaled when not given. */
  runConcurrency: 64,
} as const;
