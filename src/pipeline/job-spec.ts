// The JobSpec a stage's job is submitted with, from its render: one function for `run` and for `plan`'s preview of
// what would be submitted, so both show the same job.
import { join } from "node:path";
import type { Experiment } from "../config/schema.js";
import type { StageModule, StageRender } from "../contract/stage.js";
import type { JobSpec } from "../launch/types.js";
import { jobTool } from "./tools.js";

export interface SpecSource {
  name: string;
  render: StageRender;
  context: { paths: { root: string } };
  definition: StageModule;
}

/** The log of a stage's attempt (the first is 1). */
export function attemptLogIn(logs: string, attempt: number): string {
  return join(logs, `attempt-${attempt}.log`);
}

/** Secret variables the render names (target → source): their values from `env`, at launch only. */
function resolveSecretEnv(mapping: Record<string, string> | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [target, source] of Object.entries(mapping ?? {})) if (env[source] !== undefined) out[target] = env[source]!;
  return out;
}

export function jobSpecFor(config: Experiment, stage: SpecSource, logFile: string, env: NodeJS.ProcessEnv, launchId?: string): JobSpec {
  return {
    ...(launchId ? { launchId } : {}),
    stage: stage.name,
    argv: stage.render.argv,
    env: { ...stage.render.env, ...resolveSecretEnv(stage.render.secretEnv, env) },
    cwd: stage.context.paths.root,
    logFile,
    nodes: config.cluster.nodes,
    gpusPerNode: config.cluster.gpus_per_node,
    ...(stage.render.watchdogMs ? { watchdogMs: stage.render.watchdogMs } : {}),
    tool: jobTool(config, stage.definition),
    ...(stage.render.restartArgv ? { restartArgv: stage.render.restartArgv } : {}),
  };
}
