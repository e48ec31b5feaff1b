// Every default of the Slurm launcher and its scripts, in one place (watching a job: ../defaults.ts).

export const SLURM_DEFAULTS = {
  /** One sacct/squeue query for all watched jobs per interval; gentle on slurmctld and slurmdbd. */
  pollIntervalMs: 10_000,
  /** torchrun rendezvous port on the head node (MASTER_PORT). */
  masterPort: 29_500,
  /** How long a Slurm client command may take before it counts as failed. */
  commandTimeoutMs: 60_000,
  jobNamePrefix: "dianjin-",
  /** srun: seconds to wait for the other tasks once the first one ended. */
  srunWaitSeconds: 60,
  ray: {
    port: 6_379,
    /** Seconds the batch script waits for all GPUs to register with the Ray head. */
    readyTimeoutSeconds: 600,
    readyCheckSeconds: 5,
    /** Seconds `ray stop` may take at the end before the Ray steps are killed. */
    stopTimeoutSeconds: 60,
    executable: "ray",
  },
} as const;
