// How a stage's tool is found and asked for its version. A stage offers one binding per backend it can run with.
import type { ExperimentBase } from "./experiment.js";

export interface ToolBinding {
  /** The entry of `tools:` that configures it (command, env, version). */
  tool: string;
  /** Command when tools.<tool>.command is not set. */
  defaultCommand: readonly string[];
  /** How to install it, said when it is missing. */
  install: string;
  /** Arguments that make the tool print its version (`<command> version`). */
  versionArgs?: readonly string[];
  /** A whole command that prints the version, when the tool's own command cannot (python3 -c "import verl"...). */
  versionCommand?(config: ExperimentBase): string[];
  parseVersion?(output: string): string | undefined;
}

export function toolCommand(config: ExperimentBase, binding: ToolBinding): string[] {
  return config.tools[binding.tool]?.command ?? [...binding.defaultCommand];
}

export function hasVersionProbe(binding: ToolBinding): boolean {
  return binding.parseVersion !== undefined && (binding.versionArgs !== undefined || binding.versionCommand !== undefined);
}
