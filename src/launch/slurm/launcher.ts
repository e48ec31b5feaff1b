// The Slurm launcher: render a batch script for a stage, submit it with sbatch, and watch it
// (state, log lines, watchdog, cancellation) until Slurm says it has ended.
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { LaunchError } from "../../errors.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { LineReader } from "../../util/line-reader.js";
import { isSecretName, secretValues } from "../../util/secrets.js";
import type { Job, JobRecord, JobSpec, Launcher, Liveness } from "../types.js";
import { createSlurmCommands, type SlurmCommandOptions, type SlurmCommands } from "./commands.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import type { RaySlurmJob, SlurmBatchJob, SlurmContainer, SlurmResources } from "./job.js";
import { SlurmStatusQuery } from "./poll.js";
import { SlurmPoller } from "./poller.js";
import { renderRaySlurmScript } from "./ray-script.js";
import { sbatch } from "./sbatch.js";
import { renderSlurmScript } from "./script.js";
import { SlurmJob, outcomeOf, type SlurmJobContext } from "./slurm-job.js";
import { readExitRecord } from "../exit-record.js";

export interface SlurmLauncherOptions extends SlurmCommandOptions {
  /** Where scripts and Slurm's own output files go; must be on storage every node sees. */
  jobDir: string;
  /** Allocation for every stage, or per stage. JobSpec.nodes / gpusPerNode win over these. */
  resources?: SlurmResources | ((spec: JobSpec) => SlurmResources);
  /** Raw bash lines run in the batch script before the command. */
  setup?: string[];
  container?: SlurmContainer;
  srunArgs?: string[];
  masterPort?: number;
  /** Stages that need a Ray cluster inside the allocation (verl); others get the per-node script. */
  useRay?: (spec: JobSpec) => boolean;
  ray?: RaySlurmJob["ray"];
  pollIntervalMs?: number;
  jobNamePrefix?: string;
  /** Replaces the real Slurm programs (tests). */
  commands?: SlurmCommands;
}

export interface SlurmRecordExtra {
  script: string;
  jobName: string;
  outputDir: string;
  cluster?: string;
  watchdogMs?: number;
  launchId?: string;
}

function jobNameFor(prefix: string, stage: string): string {
  return `${prefix}${stage.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
}

/**
 * Secrets never go into the script file nor any argv: sbatch passes them on from its own environment (its default
 * --export=ALL), and srun hands the batch environment to every task. A secret is a secret-named variable or one
 * whose value came from a secret (`FOO: ${HF_TOKEN}` under tools.*.env).
 */
function splitSecrets(env: Record<string, string>): { visible: Record<string, string>; secret: Record<string, string> } {
  const visible: Record<string, string> = {};
  const secret: Record<string, string> = {};
  const values = new Set(secretValues());
  for (const [name, value] of Object.entries(env)) (isSecretName(name) || values.has(value) ? secret : visible)[name] = value;
  return { visible, secret };
}

export function createSlurmLauncher(options: SlurmLauncherOptions): Launcher {
  const commands = options.commands ?? createSlurmCommands(options);
  const poller = new SlurmPoller(new SlurmStatusQuery(commands), options.pollIntervalMs ?? SLURM_DEFAULTS.pollIntervalMs);
  const context: SlurmJobContext = { commands, poller };
  const jobDir = resolve(options.jobDir);

  function batchJob(spec: JobSpec, jobName: string, env: Record<string, string>): RaySlurmJob {
    const base = typeof options.resources === "function" ? options.resources(spec) : (options.resources ?? {});
    const resources: SlurmResources = {
      ...base,
      ...(spec.nodes !== undefined ? { nodes: spec.nodes } : {}),
      ...(spec.gpusPerNode !== undefined ? { gpusPerNode: spec.gpusPerNode } : {}),
    };
    const job: SlurmBatchJob = {
      jobName,
      argv: spec.argv,
      cwd: resolve(spec.cwd),
      env,
      logFile: resolve(spec.logFile),
      outputDir: jobDir,
      resources,
      ...(options.setup ? { setup: options.setup } : {}),
      ...(options.container ? { container: options.container } : {}),
      ...(options.srunArgs ? { srunArgs: options.srunArgs } : {}),
      ...(options.masterPort ? { masterPort: options.masterPort } : {}),
      ...(spec.tool ? { tool: spec.tool } : {}),
      ...(spec.restartArgv?.length ? { restartArgv: spec.restartArgv } : {}),
    };
    return options.ray ? { ...job, ray: options.ray } : job;
  }

  return {
    name: "slurm",

    async submit(spec: JobSpec): Promise<Job> {
      // The launch id is the job's name, so `squeue --name` finds a job whose id never reached state.json.
      const jobName = spec.launchId ?? jobNameFor(options.jobNamePrefix ?? SLURM_DEFAULTS.jobNamePrefix, spec.stage);
      const { visible, secret } = splitSecrets(spec.env);
      const job = batchJob(spec, jobName, visible);
      const script = (options.useRay?.(spec) ? renderRaySlurmScript : renderSlurmScript)(job);
      const scriptPath = join(jobDir, `${jobName}-${stamp()}-${process.pid}.sbatch`);
      await mkdir(dirname(job.logFile), { recursive: true });
      await writeFileAtomic(scriptPath, script);
      // Lines already in the stage log (an earlier attempt, the pipeline's header) are not this job's.
      const tail = await LineReader.fromEnd(job.logFile);
      const submitted = await sbatch(commands, scriptPath, secret);
      const extra: SlurmRecordExtra = {
        script: scriptPath,
        jobName,
        outputDir: jobDir,
        ...(submitted.cluster ? { cluster: submitted.cluster } : {}),
        ...(spec.watchdogMs ? { watchdogMs: spec.watchdogMs } : {}),
        ...(spec.launchId ? { launchId: spec.launchId } : {}),
      };
      const record: JobRecord = {
        launcher: "slurm",
        id: submitted.jobId,
        logFile: job.logFile,
        submittedAt: new Date().toISOString(),
        extra: { ...extra },
      };
      return new SlurmJob(record, context, tail);
    },

    async reattach(record: JobRecord): Promise<Job | undefined> {
      if (record.launcher !== "slurm") throw new LaunchError(`cannot reattach a ${record.launcher} job with the Slurm launcher`);
      const cluster = typeof record.extra?.cluster === "string" ? record.extra.cluster : undefined;
      const round = await poller.next(record.id, cluster);
      if (!round.ok) throw new LaunchError(`could not ask Slurm about job ${record.id}: ${String(round.error)}`);
      if (!round.status) return undefined;
      return new SlurmJob(record, context, await LineReader.fromEnd(record.logFile));
    },

    async find(launchId, hint): Promise<Job | undefined> {
      const r = await commands.run("squeue", ["--noheader", "--format=%i|%T", `--name=${launchId}`]);
      if (r.exitCode !== 0) throw new LaunchError(`could not ask Slurm for job ${launchId}: ${(r.stderr || r.stdout).trim()}`);
      const active = r.stdout
        .split("\n")
        .map((line) => line.trim().split("|"))
        .find(([id, state]) => id && state && !/^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE)/.test(state));
      if (!active) return undefined;
      const extra: SlurmRecordExtra = { script: "", jobName: launchId, outputDir: jobDir, launchId };
      const record: JobRecord = {
        launcher: "slurm",
        id: active[0]!,
        logFile: resolve(hint.logFile),
        submittedAt: new Date().toISOString(),
        extra: { ...extra },
      };
      return new SlurmJob(record, context, await LineReader.fromEnd(record.logFile));
    },

    async liveness(record: JobRecord): Promise<Liveness> {
      const cluster = typeof record.extra?.cluster === "string" ? record.extra.cluster : undefined;
      const round = await poller.next(record.id, cluster);
      if (!round.ok) throw new LaunchError(`could not ask Slurm about job ${record.id}: ${String(round.error)}`);
      if (!round.status) {
        // Slurm forgot the job (no accounting, past MinJobAge): the batch script's exit record still says how it ended.
        const outcome = await readExitRecord(record.logFile);
        return outcome ? { alive: false, outcome } : { alive: false };
      }
      return round.status.phase.active ? { alive: true } : { alive: false, outcome: outcomeOf(round.status) };
    },
  };
}
