// Every default of the Slurm launcher and its scripts, in one place (watching a job: ../defaults.ts).

export const SLURM_DEFAULTS = {
  /** One sacct/squeue query for all watched jobs per interval; gentle on slurmctld and slurmdbd. */
  pollIntervalMs: 10_000,
  /** torchrun rendezvous port on the head node (MASTER_PORT). */
  masterPort: 29_500,
  /** How long a Slurm client command may take before it counts as failed. */
  commandTimeoutMs: 60_000,
  jobNamePrefix: "dianjin-",
  /**
   * What a job gets from the submitting environment besides the stage's secrets (sbatch --export; Slurm adds SLURM_*).
   * Everything else the job needs is exported in its script; sbatch's default, ALL, would also carry every token the
   * user has into slurmctld's saved job environment.
   */
  exportBase: ["HOME", "LANG", "LC_ALL", "LC_CTYPE", "LOGNAME", "PATH", "USER"],
  ray: {
    /**
     * Ray's fixed ports (GCS, dashboard, client server, dashboard agent, node and object manager, workers) come from a
     * block of this job's own: block (job id mod blocks) of size portBlock from portRangeStart. The range stays below
     * Linux's ephemeral ports (32768+, where the OS picks Ray's remaining random ports) and above Ray's own defaults
     * (6379, 8265, 10001, 10002-19999), so two jobs on one node (or a user's own Ray) collide only when their ids are
     * equal modulo the block count.
     */
    portRangeStart: 20_000,
    portBlock: 200,
    portBlocks: 63,
    /** The first worker port in a block; the ones before it are Ray's named ports. */
    workerPortOffset: 10,
    /**
     * A per-job temp dir longer than this falls back to /tmp: Ray puts session_<date>_<pid>/sockets/plasma_store
     * (about 64 bytes) under it, and a Unix socket path may not exceed 107 bytes.
     */
    tempDirMaxLength: 40,
    /** Seconds the batch script waits for all GPUs to register with the Ray head. */
    readyTimeoutSeconds: 600,
    readyCheckSeconds: 5,
    /**
     * Seconds this job's Ray steps get to end after SIGTERM before they are killed: below Slurm's default KillWait
     * (30 s), so a cancelled job still closes its log before Slurm's SIGKILL.
     */
    stopTimeoutSeconds: 20,
    executable: "ray",
  },
} as const;
