// Running the `ray` CLI: argv only, a time limit, a base environment on top of the CLI's own.
import { execa } from "execa";
import { LaunchError } from "../../errors.js";
import { RAY_DEFAULTS } from "./defaults.js";

export interface RayCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type RayCommands = (args: string[]) => Promise<RayCommandResult>;

export interface RayCommandOptions {
  executable?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function createRayCommands(options: RayCommandOptions = {}): RayCommands {
  const file = options.executable ?? RAY_DEFAULTS.executable;
  return async (args) => {
    const result = await execa(file, args, {
      ...(options.env ? { env: options.env } : {}),
      reject: false,
      stdin: "ignore",
      // Logs are read by character offset; a trimmed final newline would shift every later read.
      stripFinalNewline: false,
      timeout: options.timeoutMs ?? RAY_DEFAULTS.commandTimeoutMs,
    });
    if (result.exitCode === undefined) {
      const why = result.code === "ENOENT" ? "is not installed or not on PATH" : `did not finish (${result.shortMessage})`;
      throw new LaunchError(`the Ray CLI (${file}) ${why}`);
    }
    return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
}
