// A chain of Slurm jobs that `submit` hands the pipeline to: each job waits for the one before it (afterok; a failed
// or cancelled one cancels the rest, --kill-on-invalid-dep) and runs its stages through dianjin-train inside its own
// allocation, which executes the stage's usual batch script there (in-allocation.ts) instead of sbatch-ing again.
// One status query and one scancel serve the whole chain.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { LaunchError } from "../../errors.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import type { SlurmCommands } from "./commands.js";
import { renderDirectives } from "./directives.js";
import type { SlurmResources } from "./job.js";
import { envExports } from "./prologue.js";
import { SlurmStatusQuery, type SlurmJobStatus } from "./poll.js";
import { shellQuote } from "./quote.js";
import { parseSbatchOutput, type Submitted } from "./sbatch.js";

/** Set in every chain job: the in-allocation CLI then runs stage scripts here instead of submitting them. */
export const CHAIN_ENV = "DIANJIN_CHAIN";

/** Exit status of a chain job whose node lacks Node.js or the package (the shell's "command not found"). */
export const CHAIN_MISSING_EXIT = 127;

export interface ChainJobScript {
  /** Slurm job name (the chain's launch id and the job's place in it). */
  name: string;
  /** `<node> <cli> run <config> --only <stages> …`: absolute paths, one word each. */
  argv: string[];
  cwd: string;
  /** Exported in the script; no secret. */
  env: Record<string, string>;
  /** The variables sbatch passes on from the submitting environment (--export; names only, the values stay there). */
  exportNames: string[];
  /** Folder of the script and of Slurm's `%x-%j.out`. */
  jobDir: string;
  resources: SlurmResources;
  /** Job id this one waits for (afterok). */
  after?: string;
  /** Submitted held (`scontrol release` starts it): the first job, until the chain is recorded. */
  hold?: boolean;
  setup?: string[];
}

/** Where Slurm writes a chain job's own output (the in-allocation CLI's lines). */
export function chainJobOutput(jobDir: string, name: string, id: string): string {
  return join(jobDir, `${name}-${id}.out`);
}

export function renderChainScript(job: ChainJobScript): string {
  const [node, cli] = job.argv;
  if (!node || !cli) throw new RangeError("a chain job needs the node executable and the CLI");
  const directives = renderDirectives({
    jobName: job.name,
    argv: job.argv,
    cwd: job.cwd,
    env: {},
    exportNames: job.exportNames,
    logFile: "",
    outputDir: job.jobDir,
    resources: job.resources,
  });
  const dependency = job.after ? ["#SBATCH --dependency=afterok:" + job.after, "#SBATCH --kill-on-invalid-dep=yes"] : [];
  const missing = (what: string, path: string, key: string) =>
    `if [ ! -e ${shellQuote(path)} ]; then echo "[dianjin-train] ${what} ${shellQuote(path)} is not on $(hostname)${key}"; exit ${CHAIN_MISSING_EXIT}; fi`;
  return [
    "#!/bin/bash",
    "# A job of a chain written by `dianjin-train submit`: it runs its stages through dianjin-train inside this",
    "# allocation (rendering from upstream outputs, pre-flight, resume, state.json as an attended run).",
    ...directives,
    ...dependency,
    ...(job.hold ? ["#SBATCH --hold"] : []),
    "",
    "set -uo pipefail",
    ...(job.setup?.length ? ["# setup lines from the experiment", "set +u", ...job.setup, "set -u"] : []),
    missing("node", node, "; set cluster.slurm.node to its path on the compute nodes"),
    missing("dianjin-train", cli, "; install the package where every node sees it"),
    `cd ${shellQuote(job.cwd)} || exit 1`,
    ...envExports(job.env),
    `exec ${job.argv.map(shellQuote).join(" ")}`,
    "",
  ].join("\n");
}

/** Writes the script and submits it; the job's id (and cluster) as sbatch answered. */
export async function submitChainJob(commands: SlurmCommands, job: ChainJobScript): Promise<Submitted & { script: string }> {
  await mkdir(job.jobDir, { recursive: true });
  const script = join(job.jobDir, `${job.name}.sbatch`);
  await writeFileAtomic(script, renderChainScript(job));
  const r = await commands.run("sbatch", ["--parsable", script]);
  if (r.exitCode !== 0) throw new LaunchError(`sbatch refused ${script} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim()}`);
  return { ...parseSbatchOutput(r.stdout), script };
}

/** Starts a job submitted held. */
export async function releaseChainJob(commands: SlurmCommands, id: string, cluster?: string): Promise<void> {
  const r = await commands.run("scontrol", [...(cluster ? ["-M", cluster] : []), "release", id]);
  if (r.exitCode !== 0) throw new LaunchError(`scontrol release ${id} failed: ${(r.stderr || r.stdout).trim()}`);
}

/** Every chain job's status in one query (sacct, or squeue where accounting is off); a job Slurm forgot is absent. */
export async function chainStatuses(commands: SlurmCommands, ids: readonly string[], cluster?: string): Promise<Map<string, SlurmJobStatus>> {
  return new SlurmStatusQuery(commands).statuses(ids, cluster);
}

/** The id of a job by its name, for a job whose id never reached state.json (the CLI died right after sbatch). */
export async function chainJobNamed(commands: SlurmCommands, name: string, cluster?: string): Promise<string | undefined> {
  const r = await commands.run("squeue", [...(cluster ? ["-M", cluster] : []), "-h", "-t", "all", `--name=${name}`, "-o", "%i"]);
  if (r.exitCode !== 0) throw new LaunchError(`could not ask Slurm for job ${name}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout
    .split("\n")
    .find((line) => /^\d+$/.test(line.trim()))
    ?.trim();
}

/** Ends every job of the chain with one scancel. */
export async function cancelChain(commands: SlurmCommands, ids: readonly string[], cluster?: string): Promise<void> {
  if (!ids.length) return;
  const r = await commands.run("scancel", [...(cluster ? ["-M", cluster] : []), ...ids]);
  if (r.exitCode !== 0) throw new LaunchError(`scancel ${ids.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
}
