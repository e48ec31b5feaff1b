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
 * runs elsewhere (Slurm, Ray) the job looks for it there; it is asked for its version here only if it is here too
 * (`asked` false otherwise: an unknown version then is not a failed probe).
 */
export async function toolBeforeLaunch(config: Experiment, stage: StageModule, env: NodeJS.ProcessEnv): Promise<{ version?: string; asked: boolean }> {
  if (toolSite(config) === "here") await requireTool(config, stage, env);
  else if (!(await which(jobTool(config, stage).command, env))) {
    const stated = config.tools[backendOf(stage, config).tool]?.version;
    return { ...(stated ? { version: stated } : {}), asked: false };
  }
  const version = await probeVersion(config, stage, env);
  return { ...(version ? { version } : {}), asked: true };
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
