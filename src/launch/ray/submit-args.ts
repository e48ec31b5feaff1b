// The exact `ray job submit` command line for a job. The runtime env (which holds the job's environment, secrets
// included) never goes on the command line, where every user of the machine reads it in `ps`: it goes into a 0600
// file named by `--runtime-env` (Ray reads it as YAML; JSON is YAML), written and removed by runtime-env-file.ts.
import type { RayEntrypoint } from "./entrypoint.js";

export interface RaySubmitRequest {
  address: string;
  submissionId: string;
  entrypoint: RayEntrypoint;
  /** Stage env plus launcher env; becomes runtime_env.env_vars. */
  env: Record<string, string>;
  /** Other runtime_env fields (e.g. pip, py_modules); env_vars are merged, ours win. */
  runtimeEnv?: Record<string, unknown>;
  /** `--entrypoint-num-gpus`/`-cpus`/`-memory` (ray/dashboard/modules/job/cli.py): where Ray may run the entrypoint. */
  entrypointResources?: { numGpus?: number; numCpus?: number; memory?: number };
}

/** The job's runtime_env: the launcher's fields, its env_vars merged under the stage's and the entrypoint's. */
export function rayRuntimeEnv(request: RaySubmitRequest): Record<string, unknown> {
  const extraVars = (request.runtimeEnv?.env_vars ?? {}) as Record<string, string>;
  return { ...request.runtimeEnv, env_vars: { ...extraVars, ...request.env, ...request.entrypoint.env } };
}

/** `runtimeEnvFile` holds rayRuntimeEnv(request). */
export function raySubmitArgs(request: RaySubmitRequest, runtimeEnvFile: string): string[] {
  return [
    "job",
    "submit",
    "--address",
    request.address,
    "--submission-id",
    request.submissionId,
    "--runtime-env",
    runtimeEnvFile,
    ...resourceArgs(request.entrypointResources ?? {}),
    "--no-wait",
    "--",
    ...request.entrypoint.words,
  ];
}

function resourceArgs(r: NonNullable<RaySubmitRequest["entrypointResources"]>): string[] {
  return [
    ...(r.numGpus ? ["--entrypoint-num-gpus", String(r.numGpus)] : []),
    ...(r.numCpus ? ["--entrypoint-num-cpus", String(r.numCpus)] : []),
    ...(r.memory ? ["--entrypoint-memory", String(r.memory)] : []),
  ];
}
