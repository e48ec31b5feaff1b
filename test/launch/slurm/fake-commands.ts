// A scripted stand-in for Slurm's client programs in quick tests: answers by a function and
// records every call.
import type { CommandResult, SlurmCommands, SlurmTool } from "../../../src/launch/slurm/index.js";

export interface Call {
  tool: SlurmTool;
  args: string[];
  env: Record<string, string> | undefined;
}

export function fakeCommands(answer: (tool: SlurmTool, args: string[]) => Partial<CommandResult>): SlurmCommands & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async run(tool, args, options) {
      calls.push({ tool, args, env: options?.env });
      return { exitCode: 0, stdout: "", stderr: "", ...answer(tool, args) };
    },
  };
}
