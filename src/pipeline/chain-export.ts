// The variables a chain job takes from the submitting environment (sbatch --export): what its `run` needs to re-read
// the experiment and run its stages, nothing else. Names only; the values travel in sbatch's environment.
import { SLURM_DEFAULTS } from "../launch/slurm/defaults.js";
import { stageModule } from "../stages/registry.js";
import type { Plan } from "./plan.js";

/** NAMEs of variables a stage's config points at (`api_key_env`), which in-process stages read at run time. */
function namedVariables(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) namedVariables(v, into);
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key.endsWith("_env") && typeof v === "string") into.add(v);
      else namedVariables(v, into);
    }
  }
}

/**
 * The base the scripts need, `cluster.slurm.export`, every variable the experiment file and --set values read
 * (`${VAR}`: the job's run reads the file again), and the secret variables the job's stages ask for (and the key of
 * a server they use: eval alone in a job reads deploy's `api_key_env`).
 */
export function chainExportNames(plan: Plan, stages: readonly string[]): string[] {
  const config = plan.loaded.config;
  const names = new Set([...SLURM_DEFAULTS.exportBase, ...(config.cluster.slurm?.export ?? []), ...plan.loaded.variables]);
  for (const stage of plan.stages.filter((s) => stages.includes(s.name))) {
    for (const source of Object.values(stage.render.secretEnv ?? {})) names.add(source);
    const services = stage.definition.needs.filter((n) => stageModule(n)?.kind === "service");
    for (const name of [stage.name, ...services]) namedVariables((config.stages as Record<string, unknown>)[name], names);
  }
  return [...names].sort();
}
