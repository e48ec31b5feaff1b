// The Slurm launcher: render a batch script for a stage, submit it with sbatch, and watch it
// (state, log lines, watchdog, cancellation) until Slurm says it has ended.
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LaunchError } from "../../errors.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { LineReader } from "../../util/line-reader.js";
import type { Job, JobRecord, JobSpec, Launcher, Liveness } from "../types.js";
import { createSlurmCommands, type SlurmCommandOptions, type SlurmCommands } from "./commands.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import { SlurmStatusQuery } from "./poll.js";
import { SlurmPoller } from "./poller.js";
import { sbatch } from "./sbatch.js";
import { jobNameFor, scriptPathFor, slurmSubmission, type SlurmScriptOptions } from "./batch-job.js";
import { SlurmJob, outcomeOf, type SlurmJobContext } from "./slurm-job.js";
import { readExitRecord } from "../exit-record.js";

export interface SlurmLauncherOptions extends SlurmCommandOptions, SlurmScriptOptions {
  pollIntervalMs?: number;
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

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
}

/** sbatch --comment: the launch id, so `find` recognises a job whose id never reached state.json. */
const COMMENT = (launchId: string) => `dianjin-launch=${launchId}`;

export function createSlurmLauncher(options: SlurmLauncherOptions): Launcher {
  const commands = options.commands ?? createSlurmCommands(options);
  const poller = new SlurmPoller(new SlurmStatusQuery(commands), options.pollIntervalMs ?? SLURM_DEFAULTS.pollIntervalMs);
  const context: SlurmJobContext = { commands, poller };
  const jobDir = resolve(options.jobDir);

  return {
    name: "slurm",

    async submit(spec: JobSpec): Promise<Job> {
      const { jobName, job, script, secret } = slurmSubmission(options, spec);
      const scriptPath = scriptPathFor(options, jobName, stamp());
      await mkdir(dirname(job.logFile), { recursive: true });
      await mkdir(dirname(scriptPath), { recursive: true });
      await writeFileAtomic(scriptPath, script);
      // Lines already in the stage log (an earlier attempt, the pipeline's header) are not this job's.
      const tail = await LineReader.fromEnd(job.logFile);
      const submitted = await sbatch(commands, scriptPath, secret, spec.launchId ? [`--comment=${COMMENT(spec.launchId)}`] : []);
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
      const jobName = jobNameFor(options.jobNamePrefix ?? SLURM_DEFAULTS.jobNamePrefix, hint.stage);
      const r = await commands.run("squeue", ["--noheader", "--format=%i|%T|%k", `--name=${jobName}`]);
      if (r.exitCode !== 0) throw new LaunchError(`could not ask Slurm for job ${launchId}: ${(r.stderr || r.stdout).trim()}`);
      const active = r.stdout
        .split("\n")
        .map((line) => line.trim().split("|"))
        .find(
          ([id, state, comment]) =>
            id && state && comment === COMMENT(launchId) && !/^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE)/.test(state),
        );
      if (!active) return undefined;
      const extra: SlurmRecordExtra = { script: "", jobName, outputDir: jobDir, launchId };
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
