// What a stage's job becomes under Slurm: the typed batch job, its script, and the secrets that travel beside it in
// sbatch's environment. One function for the launcher and for `plan`'s preview, so the preview is the submitted file.
import { join, resolve } from "node:path";
import { isSecretName, secretValues } from "../../util/secrets.js";
import type { JobSpec } from "../types.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import type { RaySlurmJob, SlurmBatchJob, SlurmContainer, SlurmResources } from "./job.js";
import { renderRaySlurmScript } from "./ray-script.js";
import { renderSlurmScript } from "./script.js";

export interface SlurmScriptOptions {
  /** Where scripts and Slurm's own output files go; must be on storage every node sees. */
  jobDir: string;
  /** Allocation for every stage, or per stage. JobSpec.nodes / gpusPerNode win over these. */
  resources?: SlurmResources | ((spec: JobSpec) => SlurmResources);
  /** Raw bash lines run in the batch script before the command. */
  setup?: string[];
  container?: SlurmContainer;
  srunArgs?: string[];
  masterPort?: number;
  /** Stages that need a Ray cluster inside the allocation (verl); others get the per-node script. */
  useRay?: (spec: JobSpec) => boolean;
  ray?: RaySlurmJob["ray"];
  jobNamePrefix?: string;
  /** The Node executable on the compute nodes: a job whose argv[0] it is gets it checked there (node-check.ts). */
  node?: string;
  /** Variables of the submitting environment every job also gets, besides the base and the stage's secrets. */
  exportNames?: string[];
}

export interface SlurmSubmission {
  jobName: string;
  job: RaySlurmJob;
  script: string;
  /** Secret variables: given to sbatch in its environment and named in --export, never written in the script. */
  secret: Record<string, string>;
}

/** The job's name: stable per stage, so the preview and the submitted script agree (the launch id goes in --comment). */
export function jobNameFor(prefix: string, stage: string): string {
  return `${prefix}${stage.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

/**
 * Secrets never go into the script file nor any argv: sbatch passes them on from its own environment (named in the
 * script's --export), and srun hands the batch environment to every task. A secret is a secret-named variable or one
 * whose value came from a secret (`FOO: ${HF_TOKEN}` under tools.*.env).
 */
function splitSecrets(env: Record<string, string>): { visible: Record<string, string>; secret: Record<string, string> } {
  const visible: Record<string, string> = {};
  const secret: Record<string, string> = {};
  const values = new Set(secretValues());
  for (const [name, value] of Object.entries(env)) (isSecretName(name) || values.has(value) ? secret : visible)[name] = value;
  return { visible, secret };
}

export function slurmSubmission(options: SlurmScriptOptions, spec: JobSpec): SlurmSubmission {
  const jobName = jobNameFor(options.jobNamePrefix ?? SLURM_DEFAULTS.jobNamePrefix, spec.stage);
  const { visible, secret } = splitSecrets(spec.env);
  const base = typeof options.resources === "function" ? options.resources(spec) : (options.resources ?? {});
  const resources: SlurmResources = {
    ...base,
    ...(spec.nodes !== undefined ? { nodes: spec.nodes } : {}),
    ...(spec.gpusPerNode !== undefined ? { gpusPerNode: spec.gpusPerNode } : {}),
  };
  // Only what the job needs leaves this machine: the base the script needs, the user's list, the stage's secrets.
  // Everything else it needs is exported in the script itself.
  const exportNames = [...new Set([...SLURM_DEFAULTS.exportBase, ...(options.exportNames ?? []), ...Object.keys(secret)])].sort();
  const batch: SlurmBatchJob = {
    jobName,
    argv: spec.argv,
    cwd: resolve(spec.cwd),
    env: visible,
    logFile: resolve(spec.logFile),
    outputDir: resolve(options.jobDir),
    resources,
    exportNames,
    ...(options.setup ? { setup: options.setup } : {}),
    ...(options.container ? { container: options.container } : {}),
    ...(options.srunArgs ? { srunArgs: options.srunArgs } : {}),
    ...(options.masterPort ? { masterPort: options.masterPort } : {}),
    ...(spec.tool ? { tool: spec.tool } : {}),
    ...(options.node && spec.argv[0] === options.node ? { node: options.node } : {}),
    ...(spec.restartArgv?.length ? { restartArgv: spec.restartArgv } : {}),
  };
  const job: RaySlurmJob = options.ray ? { ...batch, ray: options.ray } : batch;
  const script = (options.useRay?.(spec) ? renderRaySlurmScript : renderSlurmScript)(job);
  return { jobName, job, script, secret };
}

/** Where the launcher writes a job's script (the name tells the stage, the time and the submitting process). */
export function scriptPathFor(options: SlurmScriptOptions, jobName: string, stamp: string): string {
  return join(resolve(options.jobDir), `${jobName}-${stamp}-${process.pid}.sbatch`);
}
