// `submit` on Slurm: the stages a run would start become a chain of jobs, one after the other (a job waits for the one
// before it to end well), each running its stages through dianjin-train inside its allocation. A server and the
// stages that use it share one job, so eval never starts before its server answers and the server ends with eval.
import { join, relative } from "node:path";
import type { SlurmCommands } from "../launch/slurm/commands.js";
import type { SlurmResources } from "../launch/slurm/job.js";
import type { SlurmJobStatus } from "../launch/slurm/poll.js";
import { CHAIN_ENV, cancelChain, chainJobNamed, chainJobOutput, chainStatuses, releaseChainJob, submitChainJob } from "../launch/slurm/submit.js";
import { newLaunchId } from "../launch/launch-id.js";
import { crashPoint } from "../util/crash-point.js";
import { stageModule } from "../stages/registry.js";
import type { Experiment } from "../config/schema.js";
import { slurmResources } from "./launchers.js";
import { chainExportNames } from "./chain-export.js";
import type { Plan, PlannedStage } from "./plan.js";
import type { ChainJob, ChainState } from "./chain-state.js";
import type { StateStore } from "./state.js";

export type { ChainJob, ChainState } from "./chain-state.js";

const STARTS = new Set<PlannedStage["action"]>(["run", "resume"]);

/** The stages each chain job runs: every stage the plan would start, a service together with the stages using it. */
export function chainGroups(plan: Plan): string[][] {
  const groups: string[][] = [];
  for (const stage of plan.stages) {
    if (!STARTS.has(stage.action)) continue;
    const last = groups.at(-1);
    const server = last && stageModule(last.at(-1)!)?.kind === "service" ? last.at(-1)! : undefined;
    if (last && server && stage.definition.needs.includes(server)) last.push(stage.name);
    else groups.push([stage.name]);
  }
  return groups;
}

/** A job's allocation: the largest its stages need; stages done in-process (data, eval) alone make a CPU job. */
export function chainResources(config: Experiment, stages: readonly string[]): SlurmResources {
  const onGpus = stages.filter((s) => stageModule(s)?.kind !== "in-process");
  if (!onGpus.length) return { ...slurmResources(config, stages[0]!), nodes: 1, gpusPerNode: 0 };
  const all = onGpus.map((s) => slurmResources(config, s));
  return all.reduce((a, b) => ((b.nodes ?? 1) > (a.nodes ?? 1) ? b : a));
}

/** What a chain job runs: the CLI that submitted it, started the same way, on its stages. */
export interface ChainCommand {
  /** Absolute paths of node and of this package's CLI on the compute nodes. */
  node: string;
  cli: string;
  /** Arguments after `run <config>` that every job passes on (`--set …`). */
  args: string[];
  /** Stages `--force`d: forced again inside the job, where the plan is made anew. */
  force: readonly string[];
  cwd: string;
}

export function chainJobDir(workdir: string): string {
  return join(workdir, "slurm");
}

function argvOf(plan: Plan, command: ChainCommand, stages: readonly string[]): string[] {
  const forced = stages.filter((s) => command.force.includes(s));
  return [
    command.node,
    command.cli,
    "run",
    plan.configFile,
    ...stages.flatMap((s) => ["--only", s]),
    ...forced.flatMap((s) => ["--force", s]),
    ...command.args,
    "--log-format",
    "plain",
  ];
}

/**
 * Submits the chain: the intent (every job by name) is in state.json before the first sbatch, each id right after
 * its sbatch. The first job is held until the caller releases it (after the workdir's lock is let go, which the
 * job's own run takes). A refused sbatch cancels the jobs already submitted. `after`: jobs (ids joined by `:`) the
 * first job waits for besides, as a family's variant waits for the jobs building the stages it shares.
 */
export async function submitChain(
  plan: Plan,
  store: StateStore,
  commands: SlurmCommands,
  command: ChainCommand,
  first?: { after?: string },
): Promise<ChainState> {
  const config = plan.loaded.config;
  const id = newLaunchId("chain");
  const jobDir = chainJobDir(plan.workdir);
  const jobs: ChainJob[] = chainGroups(plan).map((stages, i) => ({ name: `${id}-${i + 1}`, stages, output: "" }));
  const chain: ChainState = { id, launcher: "slurm", at: new Date().toISOString(), jobs };
  await store.recordChain(chain);
  let after: string | undefined = first?.after;
  for (const [i, job] of jobs.entries()) {
    try {
      const submitted = await submitChainJob(commands, {
        name: job.name,
        argv: argvOf(plan, command, job.stages),
        cwd: command.cwd,
        env: { [CHAIN_ENV]: id },
        exportNames: chainExportNames(plan, job.stages),
        jobDir,
        resources: chainResources(config, job.stages),
        ...(after ? { after } : {}),
        ...(i === 0 ? { hold: true } : {}),
        ...(config.cluster.slurm?.setup.length ? { setup: config.cluster.slurm.setup } : {}),
      });
      if (i === 0) crashPoint("chain-after-first-sbatch");
      Object.assign(job, { id: submitted.jobId, output: relative(plan.workdir, chainJobOutput(jobDir, job.name, submitted.jobId)) });
      if (after) job.after = after;
      if (submitted.cluster) chain.cluster = submitted.cluster;
      await store.recordChain(chain);
      after = submitted.jobId;
    } catch (error) {
      await cancelChain(commands, idsOf(chain), chain.cluster).catch(() => undefined);
      throw error;
    }
  }
  return chain;
}

export function idsOf(chain: ChainState): string[] {
  return chain.jobs.flatMap((j) => (j.id ? [j.id] : []));
}

/** Starts the chain's first job (submitted held). */
export async function startChain(chain: ChainState, commands: SlurmCommands): Promise<void> {
  const first = chain.jobs[0]?.id;
  if (first) await releaseChainJob(commands, first, chain.cluster);
}

export interface ChainNow {
  chain: ChainState;
  /** Slurm's word on each job, by id; a job Slurm forgot is absent. */
  statuses: Map<string, SlurmJobStatus>;
  /** Some job of it is still pending or running. */
  live: boolean;
  /** Every job of it was submitted (a submit that died midway leaves jobs without an id, its first one held). */
  whole: boolean;
}

/** The recorded chain as Slurm sees it now: one status query for all its jobs (a job never recorded is found by name). */
export async function chainNow(chain: ChainState, commands: SlurmCommands): Promise<ChainNow> {
  const known = {
    ...chain,
    jobs: await Promise.all(chain.jobs.map(async (j) => (j.id ? j : { ...j, ...withId(await chainJobNamed(commands, j.name, chain.cluster)) }))),
  };
  const statuses = await chainStatuses(commands, idsOf(known), chain.cluster);
  return { chain: known, statuses, live: [...statuses.values()].some((s) => s.phase.active), whole: known.jobs.every((j) => j.id) };
}

function withId(id: string | undefined): Partial<ChainJob> {
  return id ? { id } : {};
}

/** Ends every job of a chain still pending or running, with one scancel; returns the ids. */
export async function cancelLiveChain(now: ChainNow, commands: SlurmCommands): Promise<string[]> {
  const live = idsOf(now.chain).filter((id) => now.statuses.get(id)?.phase.active);
  await cancelChain(commands, live, now.chain.cluster);
  return live;
}
