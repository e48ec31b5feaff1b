// What the launcher would submit, for the dry run: under Slurm the sbatch script of each stage (directives, srun
// line, per-node NODE_RANK / MASTER_ADDR / MASTER_PORT), Ray-on-Slurm for GRPO; under `ray` the `ray job submit`
// command. Rendered by the same functions the launchers use; secrets stay out (they come from the environment).
import type { PlannedStage, Plan } from "./plan.js";
import { slurmScriptOptions } from "./launchers.js";
import { attemptLogIn, jobSpecFor } from "./job-spec.js";
import { rayEntrypointResources } from "./ray-placement.js";
import { jobTool } from "./tools.js";

export interface LaunchFile {
  /** File name under the stage's `plan --out` folder. */
  name: string;
  content: string;
}

export async function previewLaunch(plan: Plan, stage: PlannedStage, env: NodeJS.ProcessEnv = process.env): Promise<LaunchFile[]> {
  const config = plan.loaded.config;
  if (stage.definition.kind === "in-process" || !stage.render.argv.length) return [];
  const tool = jobTool(config, stage.definition);
  if (config.cluster.launcher === "slurm") {
    // The very function and inputs the launcher submits with: the same job name, log file (this run's next attempt),
    // directives and script. Only the launch id differs, and it goes to sbatch's --comment, not into the script.
    const { slurmSubmission } = await import("../launch/slurm/index.js");
    const attempt = (plan.state.stages[stage.name]?.attempts ?? 0) + 1;
    const spec = jobSpecFor(config, stage, attemptLogIn(stage.context.paths.logs, attempt), env);
    return [{ name: `${stage.name}.sbatch`, content: slurmSubmission(slurmScriptOptions(config), spec).script }];
  }
  if (config.cluster.launcher === "ray") {
    const { rayRuntimeEnv, raySubmitArgs } = await import("../launch/ray/submit-args.js");
    const { rayEntrypoint } = await import("../launch/ray/entrypoint.js");
    const python = config.tools.python?.command?.[0] ?? "python3";
    const entry = rayEntrypoint(stage.render.argv, stage.context.paths.root, python, tool, `dianjin-${stage.name}`);
    const request = {
      address: config.cluster.ray!.address,
      entrypoint: entry,
      submissionId: `dianjin-${stage.name}`,
      env: stage.render.env,
      entrypointResources: rayEntrypointResources(config, stage.name),
    };
    // The launcher writes the runtime env to a 0600 file for the length of the submission; here it is shown beside.
    const envFile = `${stage.name}.runtime-env.json`;
    const argv = raySubmitArgs(request, envFile);
    return [
      { name: `${stage.name}.ray-submit.txt`, content: `${["ray", ...argv].map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}\n` },
      { name: envFile, content: `${JSON.stringify(rayRuntimeEnv(request), null, 2)}\n` },
    ];
  }
  return [];
}
