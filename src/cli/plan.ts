// `plan`: validate, render every file, run the whole pre-flight, and say what would run and why. Runs nothing,
// writes nothing (unless --out). Exit 3 lists every problem of every selected stage; a tool missing on this machine
// is only noted, so `plan` works on a laptop. A family's plan is family-plan.ts.
import { loadExperiment } from "../config/load.js";
import { PipelinePreflightError } from "../errors.js";
import { loadFamily } from "../pipeline/family.js";
import { planFromLoaded } from "../pipeline/plan.js";
import { redactText, secretValues } from "../util/secrets.js";
import { oneExperiment, type CommonOptions } from "./options.js";
import { showPlan } from "./plan-show.js";

export async function planCommand(config: string, options: CommonOptions & { json?: boolean; out?: string }): Promise<number> {
  const family = await loadFamily(config, { set: options.set, variants: options.variant });
  if (family) return (await import("./family-plan.js")).familyPlanCommand(family, options);
  const plan = await planFromLoaded(await loadExperiment(config, oneExperiment(options)), { ...options, only: options.only.length ? options.only : undefined });
  const shown = await showPlan(plan, options);
  const secrets = secretValues();
  process.stdout.write(redactText(options.json ? `${JSON.stringify(shown.json, null, 2)}\n` : shown.text, secrets));
  if (!shown.report.problems.length) return 0;
  const error = new PipelinePreflightError(plan.configFile, shown.report.problems);
  process.stderr.write(redactText(`dianjin-train: ${error.describe()}\n`, secrets));
  return error.exitCode;
}
