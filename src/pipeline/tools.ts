// How a stage's tool is invoked: the command from `tools.<name>`, found on PATH, and its version as it reports it.
import type { Experiment } from "../config/schema.js";
import { ToolMissingError } from "../errors.js";
import { which } from "../util/which.js";
import type { StageDefinition } from "../contract/stage.js";

export function toolCommand(config: Experiment, stage: StageDefinition): string[] {
  return config.tools[stage.tool].command ?? stage.defaultCommand;
}

export async function requireTool(config: Experiment, stage: StageDefinition, env: NodeJS.ProcessEnv): Promise<string> {
  const command = toolCommand(config, stage);
  const found = await which(command[0]!, env);
  if (!found) throw new ToolMissingError(stage.name, stage.tool, command, stage.install, `tools.${stage.tool}.command`);
  return found;
}

export function hasVersionProbe(stage: StageDefinition): boolean {
  return stage.parseVersion !== undefined && (stage.versionArgs !== undefined || stage.versionCommand !== undefined);
}

/** Asks the tool for its version; undefined when it does not say within the time limit. */
export async function probeVersion(config: Experiment, stage: StageDefinition, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const stated = config.tools[stage.tool].version;
  if (stated) return stated;
  if (!hasVersionProbe(stage)) return undefined;
  const argv = stage.versionCommand ? stage.versionCommand(config) : [...toolCommand(config, stage), ...stage.versionArgs!];
  const { execa } = await import("execa"); // loaded only when a tool is asked (keeps `plan` start-up fast)
  const result = await execa(argv[0]!, argv.slice(1), {
    env: { ...env, ...config.tools[stage.tool].env },
    extendEnv: false,
    reject: false,
    timeout: 120_000,
    stdin: "ignore",
  });
  return stage.parseVersion!(`${String(result.stdout)}\n${String(result.stderr)}`);
}
