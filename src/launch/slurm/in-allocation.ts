// The Slurm launcher inside a chain job (submit.ts): the stage's batch script is rendered exactly as for sbatch, then
// run by bash as a local process of this allocation (its srun steps use the allocation's nodes), never submitted as
// a second job. The job record names this Slurm job, so `status` and `cancel` on the login node ask Slurm about it.
import { LineReader } from "../../util/line-reader.js";
import { createLocalLauncher } from "../local.js";
import { readExitRecord } from "../exit-record.js";
import type { Job, JobOutcome, JobRecord, JobSpec, Launcher, Liveness, WaitOptions } from "../types.js";
import { watchJob, type JobProbe, type ProbeReading } from "../watch.js";
import { createSlurmCommands, type SlurmCommands } from "./commands.js";
import { createSlurmLauncher, type SlurmLauncherOptions } from "./launcher.js";
import { CHAIN_ENV } from "./submit.js";

/** This process runs inside a chain job: its Slurm job id and restart count. */
export interface Allocation {
  jobId: string;
  restart: string;
}

export function currentAllocation(env: NodeJS.ProcessEnv): Allocation | undefined {
  if (!env.SLURM_JOB_ID || !env[CHAIN_ENV]) return undefined;
  return { jobId: env.SLURM_JOB_ID, restart: env.SLURM_RESTART_COUNT ?? "0" };
}

interface Here {
  pid: string;
  startTime?: string;
  restart: string;
  /** The local supervisor's own log (the script sends its output to the stage log itself). */
  processLog: string;
}

function hereOf(record: JobRecord): Here | undefined {
  const here = record.extra?.inAllocation as Here | undefined;
  return here && typeof here.pid === "string" ? here : undefined;
}

function localRecord(record: JobRecord, here: Here): JobRecord {
  return {
    launcher: "local",
    id: here.pid,
    logFile: here.processLog,
    submittedAt: record.submittedAt,
    ...(here.startTime ? { startTime: here.startTime } : {}),
    ...(typeof record.extra?.launchId === "string" ? { extra: { launchId: record.extra.launchId } } : {}),
  };
}

/** The stage's script running in this allocation: its process says when it ends, the stage log carries its lines. */
class AllocationJob implements Job, JobProbe {
  readonly label: JobProbe["label"];
  readonly stopSignal = "SIGTERM";
  readonly pid: number | undefined;
  private ended: JobOutcome | undefined;

  constructor(
    readonly record: JobRecord,
    private readonly process: Job,
    private readonly log: LineReader,
    private readonly pollMs: number,
  ) {
    this.label = { id: record.id, system: "this allocation's process table" };
    // A server's readiness check sees at once that its script ended (a server that died never answers).
    this.pid = process.record.launcher === "local" ? Number(process.record.id) : undefined;
    void process.wait().then((outcome) => (this.ended = outcome));
  }

  async poll(): Promise<ProbeReading> {
    if (!this.ended) return { state: "running" };
    return { state: "ended", outcome: (await readExitRecord(this.record.logFile)) ?? this.ended };
  }

  cancel(): Promise<void> {
    return this.process.cancel();
  }

  wait(options: WaitOptions = {}): Promise<JobOutcome> {
    const watchdogMs = typeof this.record.extra?.watchdogMs === "number" ? this.record.extra.watchdogMs : undefined;
    return watchJob(this, this.log, { ...options, pollMs: this.pollMs, tickAfterEnd: true, ...(watchdogMs ? { watchdogMs } : {}) });
  }
}

export interface AllocationOptions {
  env: NodeJS.ProcessEnv;
  pollMs?: number;
  graceMs?: number;
}

export function createInAllocationLauncher(options: SlurmLauncherOptions, allocation: Allocation, settings: AllocationOptions): Launcher {
  const commands = options.commands ?? createSlurmCommands(options);
  const elsewhere = createSlurmLauncher({ ...options, commands });
  const local = createLocalLauncher({
    env: settings.env,
    ...(settings.pollMs ? { pollMs: settings.pollMs } : {}),
    ...(settings.graceMs ? { graceMs: settings.graceMs } : {}),
  });
  const pollMs = settings.pollMs ?? 1000;
  const ours = (record: JobRecord) => record.launcher === "slurm" && record.id === allocation.jobId && hereOf(record);

  /** The script the Slurm launcher renders and would sbatch, with the variables it would hand sbatch (secrets). */
  async function render(spec: JobSpec): Promise<{ record: JobRecord; script: string; secret: Record<string, string> }> {
    let captured: { script: string; secret: Record<string, string> } | undefined;
    const capture: SlurmCommands = {
      run: async (tool, args, extra) => {
        if (tool !== "sbatch") return commands.run(tool, args, extra);
        captured = { script: args.at(-1)!, secret: extra?.env ?? {} };
        return { exitCode: 0, stdout: allocation.jobId, stderr: "" };
      },
    };
    const job = await createSlurmLauncher({ ...options, commands: capture }).submit(spec);
    return { record: job.record, ...captured! };
  }

  return {
    name: "slurm",

    async submit(spec: JobSpec): Promise<Job> {
      const { record, script, secret } = await render(spec);
      const log = await LineReader.fromEnd(record.logFile);
      const processLog = `${script}.out`;
      const process = await local.submit({
        stage: spec.stage,
        argv: ["bash", script],
        env: secret,
        cwd: spec.cwd,
        logFile: processLog,
        ...(spec.launchId ? { launchId: spec.launchId } : {}),
      });
      const here: Here = {
        pid: process.record.id,
        restart: allocation.restart,
        processLog,
        ...(process.record.startTime ? { startTime: process.record.startTime } : {}),
      };
      return new AllocationJob({ ...record, extra: { ...record.extra, inAllocation: { ...here } } }, process, log, pollMs);
    },

    async reattach(record: JobRecord): Promise<Job | undefined> {
      const here = ours(record);
      if (!here) return record.id === allocation.jobId ? undefined : elsewhere.reattach(record);
      // A requeued start of this job is a new process: the script of the earlier start is gone with it.
      if (here.restart !== allocation.restart) return undefined;
      const process = await local.reattach(localRecord(record, here));
      return process && new AllocationJob(record, process, await LineReader.fromEnd(record.logFile), pollMs);
    },

    async find(launchId, hint): Promise<Job | undefined> {
      const process = await local.find(launchId, hint);
      if (!process) return undefined;
      const here: Here = {
        pid: process.record.id,
        restart: allocation.restart,
        processLog: hint.logFile,
        ...(process.record.startTime ? { startTime: process.record.startTime } : {}),
      };
      const record: JobRecord = {
        launcher: "slurm",
        id: allocation.jobId,
        logFile: hint.logFile,
        submittedAt: new Date().toISOString(),
        extra: { launchId, inAllocation: { ...here } },
      };
      return new AllocationJob(record, process, await LineReader.fromEnd(hint.logFile), pollMs);
    },

    async liveness(record: JobRecord): Promise<Liveness> {
      const here = ours(record);
      if (!here) {
        // This very job, recorded by an earlier start of it (a requeue): whatever it ran then has ended.
        if (record.id === allocation.jobId) return deadHere(record);
        return elsewhere.liveness(record);
      }
      if (here.restart === allocation.restart && (await local.liveness(localRecord(record, here))).alive) return { alive: true };
      return deadHere(record);
    },
  };
}

async function deadHere(record: JobRecord): Promise<Liveness> {
  const outcome = await readExitRecord(record.logFile);
  return outcome ? { alive: false, outcome } : { alive: false };
}
