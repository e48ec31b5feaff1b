// How a stage's tool is invoked: the command from `tools.<name>`, found on PATH, and its version as it reports it.
import type { Experiment } from "../config/schema.js";
import { ToolMissingError } from "../errors.js";
import { which } from "../util/which.js";
import type { StageModule } from "../contract/stage.js";
import { hasVersionProbe, toolCommand } from "../contract/tool-binding.js";
import { backendOf } from "../stages/registry.js";

export async function requireTool(config: Experiment, stage: StageModule, env: NodeJS.ProcessEnv): Promise<string> {
  const binding = backendOf(stage, config);
  const command = toolCommand(config, binding);
  const found = await which(command[0]!, env);
  if (!found) throw new ToolMissingError(stage.name, binding.tool, command, binding.install, `tools.${binding.tool}.command`);
  return found;
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
