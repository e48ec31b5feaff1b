// The Ray launcher: submit a stage to an existing Ray cluster with `ray job submit --no-wait`,
// then watch it through `ray job status` / `ray job logs`; stop it with `ray job stop`.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LaunchError } from "../../errors.js";
import { LineReader } from "../../util/line-reader.js";
import type { Job, JobRecord, JobSpec, Launcher, Liveness } from "../types.js";
import { createRayCommands, type RayCommandOptions, type RayCommands } from "./commands.js";
import { RAY_DEFAULTS } from "./defaults.js";
import { rayEntrypoint } from "./entrypoint.js";
import { rayJobStatus, rayOutcome, type RayJobContext } from "./job-queries.js";
import { RayLogCopy } from "./log-copy.js";
import { RayJob } from "./ray-job.js";
import { writeWorkdirMarker } from "../workdir-check.js";
import { withRuntimeEnvFile } from "./runtime-env-file.js";
import { rayRuntimeEnv, raySubmitArgs } from "./submit-args.js";

export interface RayLauncherOptions extends RayCommandOptions {
  /** Dashboard address of the cluster, e.g. http://head:8265. */
  address: string;
  /** Python on the Ray head, for argv that needs exact quoting. */
  python?: string;
  /** Extra runtime_env fields (pip, py_modules, env_vars, ...) for every job. */
  runtimeEnv?: Record<string, unknown>;
  /**
   * What the entrypoint reserves for a job (`--entrypoint-num-gpus`/`-cpus`/`-memory`): Ray then runs it on a node
   * that has them, and keeps it PENDING until one does. Nothing reserved: Ray runs it on the head node.
   */
  entrypointResources?: (spec: JobSpec) => RayEntrypointResources;
  pollIntervalMs?: number;
  pendingNoteMs?: number;
  submissionIdPrefix?: string;
  /** Replaces the real CLI (tests). */
  commands?: RayCommands;
}

export interface RayEntrypointResources {
  numGpus?: number;
  numCpus?: number;
  /** Bytes. */
  memory?: number;
}

export interface RayRecordExtra {
  address: string;
  watchdogMs?: number;
}

/** The line before output copied into the stage log by a CLI that did not watch it being written. */
function unwatchedHeading(id: string): string {
  return `[dianjin-train] Ray job ${id}: output while no CLI watched`;
}

function submissionId(prefix: string, stage: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  return `${prefix}${stage.replace(/[^A-Za-z0-9_.-]/g, "_")}-${stamp}-${randomBytes(3).toString("hex")}`;
}

export function createRayLauncher(options: RayLauncherOptions): Launcher {
  const ray = options.commands ?? createRayCommands(options);
  const context: RayJobContext = {
    ray,
    address: options.address,
    pollIntervalMs: options.pollIntervalMs ?? RAY_DEFAULTS.pollIntervalMs,
    pendingNoteMs: options.pendingNoteMs ?? RAY_DEFAULTS.pendingNoteMs,
  };

  return {
    name: "ray",

    async submit(spec: JobSpec): Promise<Job> {
      // The launch id is the submission id, so `ray job status <launchId>` finds a job whose submission was not recorded.
      const id = spec.launchId ?? submissionId(options.submissionIdPrefix ?? RAY_DEFAULTS.submissionIdPrefix, spec.stage);
      const request = {
        address: options.address,
        submissionId: id,
        entrypoint: rayEntrypoint(spec.argv, resolve(spec.cwd), options.python ?? RAY_DEFAULTS.python, spec.tool, id),
        env: spec.env,
        ...(options.runtimeEnv ? { runtimeEnv: options.runtimeEnv } : {}),
        entrypointResources: options.entrypointResources?.(spec) ?? {},
      };
      // The entrypoint looks for this marker before anything starts: the Ray node must see this workdir.
      await writeWorkdirMarker(resolve(spec.cwd), id);
      const r = await withRuntimeEnvFile(rayRuntimeEnv(request), (file) => ray(raySubmitArgs(request, file)));
      if (r.exitCode !== 0) {
        // Only Ray's answer goes into the message.
        throw new LaunchError(`ray job submit to ${options.address} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(-500)}`);
      }
      const extra: RayRecordExtra = { address: options.address, ...(spec.watchdogMs ? { watchdogMs: spec.watchdogMs } : {}) };
      const record: JobRecord = {
        launcher: "ray",
        id,
        logFile: resolve(spec.logFile),
        submittedAt: new Date().toISOString(),
        extra: { ...extra },
      };
      await mkdir(dirname(record.logFile), { recursive: true });
      // Lines already in the stage log (an earlier attempt, the pipeline's header) are not this job's.
      return new RayJob(record, context, await LineReader.fromEnd(record.logFile), RayLogCopy.fresh(context, id, record.logFile));
    },

    async reattach(record: JobRecord): Promise<Job | undefined> {
      if (record.launcher !== "ray") throw new LaunchError(`cannot reattach a ${record.launcher} job with the Ray launcher`);
      const address = typeof record.extra?.address === "string" ? record.extra.address : options.address;
      const here = { ...context, address };
      const reading = await rayJobStatus(here, record.id);
      if (!reading.found) return undefined;
      // The output no watcher copied (the CLI was gone) goes into the stage log first, so the log is whole and a failure
      // is classified from its real lines; what follows is watched as usual.
      const copy = new RayLogCopy(here, record.id, record.logFile);
      await copy.copy(false, unwatchedHeading(record.id));
      return new RayJob(record, here, await LineReader.fromEnd(record.logFile), copy);
    },

    async find(launchId, hint): Promise<Job | undefined> {
      const record: JobRecord = {
        launcher: "ray",
        id: launchId,
        logFile: resolve(hint.logFile),
        submittedAt: new Date().toISOString(),
        extra: { address: options.address },
      };
      const alive = await this.liveness(record);
      return alive.alive ? this.reattach(record) : undefined;
    },

    async liveness(record: JobRecord): Promise<Liveness> {
      const address = typeof record.extra?.address === "string" ? record.extra.address : options.address;
      const here = { ...context, address };
      const reading = await rayJobStatus(here, record.id);
      if (!reading.found) return { alive: false };
      const outcome = rayOutcome(reading);
      if (!outcome) return { alive: true };
      // It ended while no CLI watched: its output since the last watch goes into the stage log now, so whoever judges
      // the end (status, the next run) reads the real log (an OOM line), not the part a watcher saw.
      await new RayLogCopy(here, record.id, record.logFile).copy(true, unwatchedHeading(record.id)).catch(() => 0);
      return { alive: false, outcome };
    },
  };
}
