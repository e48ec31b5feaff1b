// Every default of the Ray launcher, in one place.

export const RAY_DEFAULTS = {
  executable: "ray",
  /** Runs the small argv decoder on the Ray head when argv needs exact quoting. */
  python: "python3",
  pollIntervalMs: 5_000,
  commandTimeoutMs: 60_000,
  submissionIdPrefix: "dianjin-",
  /** A job `ray job status` says does not exist this many times in a row is reported `unknown`. */
  missingPollsBeforeGone: 3,
  maxQueryFailures: 5,
  /** After `ray job stop`, how long `wait` waits for Ray to confirm before returning. */
  stopConfirmMs: 15_000,
} as const;
