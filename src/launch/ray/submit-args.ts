// The exact `ray job submit` command line for a job.
import type { RayEntrypoint } from "./entrypoint.js";

export interface RaySubmitRequest {
  address: string;
  submissionId: string;
  entrypoint: RayEntrypoint;
  /** Stage env plus launcher env; becomes runtime_env.env_vars. */
  env: Record<string, string>;
  /** Other runtime_env fields (e.g. pip, py_modules); env_vars are merged, ours win. */
  runtimeEnv?: Record<string, unknown>;
  entrypointNumGpus?: number;
  entrypointNumCpus?: number;
}

export function raySubmitArgs(request: RaySubmitRequest): string[] {
  const extraVars = (request.runtimeEnv?.env_vars ?? {}) as Record<string, string>;
  const runtimeEnv = {
    ...request.runtimeEnv,
    env_vars: { ...extraVars, ...request.env, ...request.entrypoint.env },
  };
  return [
    "job",
    "submit",
    "--address",
    request.address,
    "--submission-id",
    request.submissionId,
    "--runtime-env-json",
    JSON.stringify(runtimeEnv),
    ...(request.entrypointNumGpus !== undefined ? ["--entrypoint-num-gpus", String(request.entrypointNumGpus)] : []),
    ...(request.entrypointNumCpus !== undefined ? ["--entrypoint-num-cpus", String(request.entrypointNumCpus)] : []),
    "--no-wait",
    "--",
    ...request.entrypoint.words,
  ];
}
