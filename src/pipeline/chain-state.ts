// What `submit` records in state.json about the chain of cluster jobs it handed the pipeline to. Written before the
// first sbatch (every job by name, no id yet) and again after each one: a CLI that dies mid-submit leaves job names a
// later `submit` or `status` finds the jobs by (`squeue --name`), never an unrecorded job.

export interface ChainJob {
  /** The Slurm job name: the chain's launch id and the job's place in it (unique, so `squeue --name` finds one). */
  name: string;
  /** The stages this job runs, in order (`run --only` inside its allocation). */
  stages: string[];
  /** Slurm's job id, once sbatch answered. */
  id?: string;
  /** The job before it: this one starts only after that one ended well (afterok). */
  after?: string;
  /** Where the job's own output goes (the in-allocation CLI's lines), workdir-relative on disk. */
  output: string;
}

export interface ChainState {
  /** The launch id every job name starts with. */
  id: string;
  launcher: "slurm";
  /** When `submit` recorded the intent; stage attempts started later belong to this chain. */
  at: string;
  /** sbatch's cluster, when it named one (-M). */
  cluster?: string;
  jobs: ChainJob[];
}
