// sbatch --parsable: submit a rendered script and read back the job id.
import { LaunchError } from "../../errors.js";
import type { SlurmCommands } from "./commands.js";

export interface Submitted {
  jobId: string;
  cluster?: string;
}

/** `--parsable` prints `id` or `id;cluster`; older or wrapped sbatch may print "Submitted batch job id". */
export function parseSbatchOutput(stdout: string): Submitted {
  const lines = stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines.at(-1) ?? "";
  const parsable = /^(\d+(?:_\d+)?)(?:;(\S+))?$/.exec(last);
  if (parsable) return parsable[2] ? { jobId: parsable[1]!, cluster: parsable[2] } : { jobId: parsable[1]! };
  const human = /Submitted batch job (\d+)(?: on cluster (\S+))?/.exec(stdout);
  if (human) return human[2] ? { jobId: human[1]!, cluster: human[2] } : { jobId: human[1]! };
  throw new LaunchError(`could not read a job id from sbatch output: ${JSON.stringify(stdout.slice(0, 500))}`);
}

/** `env` holds the secrets the script's --export names: sbatch reads them from its environment, never from a file. */
export async function sbatch(commands: SlurmCommands, scriptPath: string, env: Record<string, string>, args: string[] = []): Promise<Submitted> {
  const result = await commands.run("sbatch", ["--parsable", ...args, scriptPath], { env });
  if (result.exitCode !== 0) {
    const why = (result.stderr || result.stdout).trim();
    throw new LaunchError(`sbatch refused ${scriptPath} (exit ${result.exitCode}): ${why}`);
  }
  return parseSbatchOutput(result.stdout);
}
