// Every default of the Ray launcher, in one place (watching a job: ../defaults.ts).

export const RAY_DEFAULTS = {
  executable: "ray",
  /** Runs the small argv decoder on the Ray head when argv needs exact quoting. */
  python: "python3",
  pollIntervalMs: 5_000,
  /** A job still PENDING after this long (no node has its GPUs yet) gets Ray's reason in its stage log. */
  pendingNoteMs: 30_000,
  commandTimeoutMs: 60_000,
  submissionIdPrefix: "dianjin-",
} as const;
