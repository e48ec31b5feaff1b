// Running Slurm's client programs: argv only, no shell, a time limit, and a base environment
// (e.g. SLURM_CONF) on top of the CLI's own.
import { execa } from "execa";
import { LaunchError } from "../../errors.js";
import { SLURM_DEFAULTS } from "./defaults.js";

export type SlurmTool = "sbatch" | "sacct" | "squeue" | "scontrol" | "scancel";

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface SlurmCommands {
  run(tool: SlurmTool, args: string[], options?: { env?: Record<string, string> }): Promise<CommandResult>;
}

export interface SlurmCommandOptions {
  /** Added to process.env for every Slurm command (e.g. SLURM_CONF). */
  env?: Record<string, string>;
  /** Paths of the programs when they are not on PATH under their usual names. */
  executables?: Partial<Record<SlurmTool, string>>;
  timeoutMs?: number;
}

export function createSlurmCommands(options: SlurmCommandOptions = {}): SlurmCommands {
  return {
    async run(tool, args, extra) {
      const file = options.executables?.[tool] ?? tool;
      const result = await execa(file, args, {
        env: { ...options.env, ...extra?.env },
        reject: false,
        stdin: "ignore",
        timeout: options.timeoutMs ?? SLURM_DEFAULTS.commandTimeoutMs,
      });
      if (result.exitCode === undefined) {
        const why = result.code === "ENOENT" ? "is not installed or not on PATH" : `did not finish (${result.shortMessage})`;
        throw new LaunchError(`Slurm command ${file} ${why}`);
      }
      return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
  };
}
