// How a stage's tool is invoked: the command from `tools.<name>`, found on PATH, and its version as it reports it.
import type { Experiment } from "../config/schema.js";
import { ToolMissingError } from "../errors.js";
import { which } from "../util/which.js";
import type { StageModule } from "../contract/stage.js";
import { hasVersionProbe, toolCommand } from "../contract/tool-binding.js";
import { backendOf } from "../stages/registry.js";
import type { JobTool } from "../launch/tool-missing.js";
import { toolSite } from "./tool-site.js";

export async function requireTool(config: Experiment, stage: StageModule, env: NodeJS.ProcessEnv): Promise<string> {
  const binding = backendOf(stage, config);
  const command = toolCommand(config, binding);
  const found = await which(command[0]!, env);
  if (!found) throw new ToolMissingError(stage.name, binding.tool, command, binding.install, `tools.${binding.tool}.command`);
  return found;
}

/** The tool a stage's job starts, for the launcher to look for where it runs. */
export function jobTool(config: Experiment, stage: StageModule): JobTool {
  const binding = backendOf(stage, config);
  return { name: binding.tool, command: toolCommand(config, binding)[0]! };
}

/**
 * Right before a launch: the tool must be on this machine only when it runs here (else ToolMissingError). Where it
 * runs elsewhere (Slurm, Ray) the job looks for it there, and this machine's copy, if any, is only a hint: a version
 * it gives is used, but one it cannot give (verl's `python3 -c "import verl"` on a login node without the venv) is
 * not a failed probe (`asked` false: the version is unknown, stated or not).
 */
export async function toolBeforeLaunch(config: Experiment, stage: StageModule, env: NodeJS.ProcessEnv): Promise<{ version?: string; asked: boolean }> {
  const here = toolSite(config) === "here";
  if (here) await requireTool(config, stage, env);
  const version =
    here || (await which(jobTool(config, stage).command, env)) ? await probeVersion(config, stage, env) : config.tools[backendOf(stage, config).tool]?.version;
  return { ...(version ? { version } : {}), asked: here };
}

export function stageHasVersionProbe(stage: StageModule, config: Experiment): boolean {
  return hasVersionProbe(backendOf(stage, config));
}

/** Asks the tool for its version; undefined when it does not say within the time limit. */
export async function probeVersion(config: Experiment, stage: StageModule, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const binding = backendOf(stage, config);
  const stated = config.tools[binding.tool]?.version;
  if (stated) return stated;
  if (!hasVersionProbe(binding)) return undefined;
  const argv = binding.versionCommand ? binding.versionCommand(config) : [...toolCommand(config, binding), ...binding.versionArgs!];
  const { execa } = await import("execa"); // loaded only when a tool is asked (keeps `plan` start-up fast)
  const result = await execa(argv[0]!, argv.slice(1), {
    env: { ...env, ...config.tools[binding.tool]?.env },
    extendEnv: false,
    reject: false,
    timeout: 120_000,
    stdin: "ignore",
  });
  return binding.parseVersion!(`${String(result.stdout)}\n${String(result.stderr)}`);
}
