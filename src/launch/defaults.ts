// Every default of watching a job, whatever launched it, in one place. Each launcher's own settings (Slurm's query
// interval, Ray's CLI timeout, ...) stay in its folder's defaults.ts.

export const WATCH_DEFAULTS = {
  /** A job the launcher says it does not know this many polls in a row is reported as `unknown`. */
  missingPollsBeforeGone: 3,
  /** Failed polls in a row (the launcher could not be asked) before the watch gives up with a LaunchError. */
  maxProbeFailures: 5,
  /** After the job was cancelled (abort, watchdog), how long the watch waits for the launcher to confirm its end. */
  stopConfirmMs: 15_000,
  /** Longest pause between those confirmation polls. */
  stopConfirmPollMs: 1_000,
} as const;

export const LOCAL_DEFAULTS = {
  /** How often a local job's process group and log are looked at. */
  pollMs: 500,
  /** Time between SIGTERM and SIGKILL when a local job is ended. */
  graceMs: 10_000,
} as const;
