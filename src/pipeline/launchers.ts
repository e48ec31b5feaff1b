// Picks the launcher named by cluster.launcher, built from the experiment's cluster settings.
import { join } from "node:path";
import type { Experiment } from "../config/schema.js";
import type { Launcher, JobSpec } from "../launch/types.js";
import type { SlurmScriptOptions } from "../launch/slurm/batch-job.js";
import { nodeExecutable } from "../contract/experiment.js";
import { stageModule } from "../stages/registry.js";
import { rayEntrypointResources } from "./ray-placement.js";

/** DIANJIN_POLL_MS and DIANJIN_KILL_GRACE_MS tune how often jobs are polled and how long SIGTERM gets before SIGKILL. */
function pollingFromEnv(env: NodeJS.ProcessEnv): { pollMs?: number; graceMs?: number } {
  const num = (v: string | undefined) => (v && Number(v) > 0 ? Number(v) : undefined);
  return { pollMs: num(env.DIANJIN_POLL_MS), graceMs: num(env.DIANJIN_KILL_GRACE_MS) };
}

export async function launcherFor(config: Experiment, env: NodeJS.ProcessEnv = process.env): Promise<Launcher> {
  const polling = pollingFromEnv(env);
  const { cluster } = config;
  switch (cluster.launcher) {
    case "local": {
      const { createLocalLauncher } = await import("../launch/local.js");
      return createLocalLauncher({ env, ...polling });
    }
    case "slurm": {
      const { createSlurmLauncher } = await import("../launch/slurm/index.js");
      const options = {
        ...slurmScriptOptions(config),
        ...(polling.pollMs ? { pollIntervalMs: polling.pollMs } : {}),
        env: pickSlurmEnv(env),
      };
      // Inside a job of a submitted chain, the stage's script runs in this allocation instead of a second sbatch.
      const { currentAllocation, createInAllocationLauncher } = await import("../launch/slurm/in-allocation.js");
      const allocation = currentAllocation(env);
      return allocation ? createInAllocationLauncher(options, allocation, { env, ...polling }) : createSlurmLauncher(options);
    }
    case "ray": {
      const { createRayLauncher } = await import("../launch/ray/index.js");
      return createRayLauncher({
        address: cluster.ray!.address,
        env: env as Record<string, string>,
        entrypointResources: (spec: JobSpec) => rayEntrypointResources(config, spec.stage),
        ...(polling.pollMs ? { pollIntervalMs: polling.pollMs } : {}),
      });
    }
  }
}

/**
 * The launcher cluster.launcher names, built on first use: planning asks it only about recorded jobs, and a run whose
 * stages are all up to date never loads launcher code at all.
 */
export function lazyLauncher(config: Experiment, env: NodeJS.ProcessEnv = process.env): Launcher {
  let launcher: Promise<Launcher> | undefined;
  const get = () => (launcher ??= launcherFor(config, env));
  return {
    name: config.cluster.launcher,
    submit: async (spec) => (await get()).submit(spec),
    reattach: async (record) => (await get()).reattach(record),
    find: async (launchId, hint) => (await get()).find(launchId, hint),
    liveness: async (record) => (await get()).liveness(record),
  };
}

/** What planning asks a launcher (is a recorded job alive, is there a job with this launch id). */
export function jobProbeFor(config: Experiment): Pick<Launcher, "find" | "liveness"> {
  return lazyLauncher(config);
}

/** How the Slurm launcher writes a stage's batch script; `plan` previews with the very same options. */
export function slurmScriptOptions(config: Experiment): SlurmScriptOptions {
  const { cluster } = config;
  const slurm = cluster.slurm;
  return {
    jobDir: join(config.workdir, "slurm"),
    resources: (spec: JobSpec) => slurmResources(config, spec.stage),
    ...(slurm?.setup ? { setup: slurm.setup } : {}),
    ...(slurm?.container_image ? { container: { image: slurm.container_image } } : {}),
    masterPort: cluster.master_port,
    useRay: (spec: JobSpec) => stageNeedsRay(spec.stage),
    node: nodeExecutable(cluster),
    ...(slurm?.export?.length ? { exportNames: slurm.export } : {}),
  };
}

/** The Slurm resources of a stage's job (also what `plan` shows in the batch script it previews). */
export function slurmResources(config: Experiment, stage: string) {
  const { cluster } = config;
  const slurm = cluster.slurm;
  return {
    nodes: stageModule(stage)?.placement === "single-node" ? 1 : cluster.nodes,
    gpusPerNode: cluster.gpus_per_node,
    cpusPerTask: slurm?.cpus_per_task,
    mem: slurm?.mem,
    time: slurm?.time,
    partition: slurm?.partition,
    account: slurm?.account,
    qos: slurm?.qos,
    exclusive: slurm?.exclusive,
    requeue: slurm?.requeue,
    extraDirectives: slurm?.extra_directives,
    mailType: typeof slurm?.mail_type === "string" ? [slurm.mail_type] : slurm?.mail_type,
    mailUser: slurm?.mail_user,
  };
}

/** A stage placed on Ray (verl) gets a Ray cluster started inside its Slurm allocation. */
export function stageNeedsRay(stage: string): boolean {
  return stageModule(stage)?.placement === "ray";
}

/** Slurm's client programs with what they need from our environment (a chain's sbatch, status query, scancel). */
export async function slurmCommandsFor(env: NodeJS.ProcessEnv = process.env) {
  const { createSlurmCommands } = await import("../launch/slurm/index.js");
  return createSlurmCommands({ env: pickSlurmEnv(env) });
}

/** What the Slurm commands themselves need from our environment (SLURM_CONF for a non-default cluster). */
function pickSlurmEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("SLURM_") && v !== undefined)) as Record<string, string>;
}
