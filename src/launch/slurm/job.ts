// A typed Slurm batch job: everything the script renderers need, nothing Slurm-version specific.
import type { JobTool } from "../tool-missing.js";

export interface SlurmResources {
  nodes?: number;
  gpusPerNode?: number;
  cpusPerTask?: number;
  /** Slurm memory string per node, e.g. "200G". */
  mem?: string;
  /** Slurm time string: minutes, "HH:MM:SS" or "D-HH:MM:SS". */
  time?: string;
  partition?: string;
  account?: string;
  qos?: string;
  exclusive?: boolean;
  /** true → `--requeue` (Slurm may restart the job after a node failure or preemption), false → `--no-requeue`. */
  requeue?: boolean;
  /** sbatch --mail-type values (END, FAIL, ...) and --mail-user. */
  mailType?: string[];
  mailUser?: string;
  /** Raw extra directives, each `--key=value` or `--flag`, written as given after the typed ones. */
  extraDirectives?: string[];
}

/** Pyxis/enroot container for the srun steps. */
export interface SlurmContainer {
  image: string;
  /** `src:dst[:flags]` entries. */
  mounts?: string[];
  workdir?: string;
}

export interface SlurmBatchJob {
  jobName: string;
  /** The command run once per node (torchrun style) or, for the Ray variant, on the head node. */
  argv: string[];
  cwd: string;
  /** Exported in the script. Secret values must not be put here (the script is a file). */
  env: Record<string, string>;
  /** Combined log of every attempt; the job appends to it. */
  logFile: string;
  /** Folder for Slurm's own output (`%x-%j.out`) and the per-attempt logs (`<name>-<id>-<restart>.log`). */
  outputDir: string;
  resources: SlurmResources;
  /** Raw bash lines run before the command (module loads, venv activation). */
  setup?: string[];
  container?: SlurmContainer;
  /** Run in the batch script before the command on a requeued start (SLURM_RESTART_COUNT > 0); a failure ends it. */
  restartArgv?: string[];
  /** Extra srun arguments, each one argv word. */
  srunArgs?: string[];
  masterPort?: number;
  /** The tool the command starts: looked for on the node, after `setup`, before anything starts (tool-check.ts). */
  tool?: JobTool;
  /** Names of the variables sbatch passes on from its environment (--export; their values are never in the script). */
  exportNames?: string[];
  /** The Node executable the command runs (argv[0]), when it runs Node: checked on the node like the tool (node-check.ts). */
  node?: string;
}

/** Ray head + workers inside the allocation, then the trainer on the head (verl). */
export interface RaySlurmJob extends SlurmBatchJob {
  ray?: {
    readyTimeoutSeconds?: number;
    /** Seconds between readiness checks. */
    readyCheckSeconds?: number;
    /** `ray` executable on the nodes. */
    executable?: string;
    /** Per-node CPUs for `ray start --num-cpus`; default: the allocation's (SLURM_CPUS_PER_TASK, else SLURM_CPUS_ON_NODE). */
    cpusPerNode?: number;
  };
}
