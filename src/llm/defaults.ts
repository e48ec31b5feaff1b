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
  /** No per-attempt limit by default: long non-streaming generations send no headers until they end. */
  attemptTimeoutMs: undefined as number | undefined,
  /** How much of an error body is kept in an error message. */
  errorBodyChars: 300,
  /** Concurrency of runJournaled when not given. */
  runConcurrency: 64,
} as const;
