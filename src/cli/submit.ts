// `submit <config>`: pre-flight as `run` does, then hand the stages that would run to Slurm as a chain of jobs and
// return. Nothing keeps running here; `status`, `logs -f` and `cancel` follow the chain from state.json and Slurm.
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { loadExperiment } from "../config/load.js";
import { acquireLock } from "../pipeline/lock.js";
import { planFromLoaded } from "../pipeline/plan.js";
import { refuseUnlessReady } from "../pipeline/preflight.js";
import { StateStore } from "../pipeline/state.js";
import { slurmCommandsFor } from "../pipeline/launchers.js";
import { cancelLiveChain, chainNow, startChain, submitChain, type ChainCommand, type ChainState } from "../pipeline/chain.js";
import { chainLines, chainStatus } from "./chain-status.js";
import type { SlurmCommands } from "../launch/slurm/commands.js";
import { oneExperiment, type CommonOptions, type LogOptions } from "./options.js";

/** Node and this CLI as the submitting process was started (absolute, links resolved); `cluster.slurm.node` wins. */
function compute(node: string | undefined): Pick<ChainCommand, "node" | "cli"> {
  return { node: node ?? process.execPath, cli: realpathSync(resolve(process.argv[1]!)) };
}

function followText(config: string, chain: ChainState): string {
  const rows = chain.jobs.map((j) => `  ${j.stages.join("+").padEnd(11)} slurm job ${j.id}${j.after ? ` (starts after job ${j.after} ends well)` : ""}\n`);
  return [
    `submitted chain ${chain.id}: ${chain.jobs.length} job${chain.jobs.length === 1 ? "" : "s"}\n`,
    ...rows,
    `follow:  dianjin-train status ${config}    dianjin-train logs -f ${config} <stage>\n`,
    `cancel:  dianjin-train cancel ${config}    (ends every job of the chain)\n`,
  ].join("");
}

/** A live chain is reported, and nothing is submitted; true when there is one. */
async function reportedLive(store: StateStore, commands: SlurmCommands, json: boolean | undefined): Promise<boolean> {
  const prior = store.state.chain && (await chainNow(store.state.chain, commands));
  if (!prior?.live) return false;
  if (!prior.whole) {
    // A submit died midway: its first job is still held, nothing of it ran. It is ended, and the chain submitted anew.
    const ended = await cancelLiveChain(prior, commands);
    process.stderr.write(`an earlier submit stopped midway: cancelled its partial chain (slurm jobs ${ended.join(", ")})\n`);
    return false;
  }
  // A submit that died before releasing its first job left the chain held: it is started now, not submitted again.
  const first = prior.chain.jobs[0]?.id;
  if (first && /JobHeldUser/.test(prior.statuses.get(first)?.reason ?? "")) await startChain(prior.chain, commands);
  const lines = chainLines(prior, await chainStatus(prior, store.state, store.workdir));
  process.stderr.write(`${lines.join("\n")}\na submitted chain is still live: nothing submitted (\`cancel\` ends it)\n`);
  if (json) process.stdout.write(`${JSON.stringify({ submitted: false, chain: prior.chain }, null, 2)}\n`);
  return true;
}

export async function submitCommand(config: string, options: CommonOptions & Partial<LogOptions> & { json?: boolean }): Promise<number> {
  const loaded = await loadExperiment(config, oneExperiment(options));
  const experiment = loaded.config;
  // Local and Ray: the pipeline goes on in a detached driver on this machine (submit-detached.ts).
  if (experiment.cluster.launcher !== "slurm") return (await import("./submit-detached.js")).submitDetachedCommand(config, options);
  const commands = await slurmCommandsFor();
  // Asked before the lock: a live chain's running job holds it.
  if (await reportedLive(await StateStore.open(experiment.workdir, experiment.name), commands, options.json)) return 0;
  const lock = await acquireLock(experiment.workdir, `dianjin-train submit ${config}`);
  let chain: ChainState | undefined;
  try {
    const store = await StateStore.open(experiment.workdir, experiment.name);
    // Again under the lock, for a submit that ran in between.
    if (await reportedLive(store, commands, options.json)) return 0;
    const plan = await planFromLoaded(loaded, { ...options, only: options.only.length ? options.only : undefined });
    const attended = plan.stages.find((s) => s.action === "reattach");
    if (attended) {
      process.stderr.write(`dianjin-train: ${attended.name} has a live job (${attended.reason}); nothing submitted — \`status\` shows it\n`);
      return 1;
    }
    await refuseUnlessReady(plan);
    if (!plan.stages.some((s) => s.action === "run" || s.action === "resume")) {
      process.stderr.write(`nothing to submit: ${plan.stages.map((s) => `${s.name} ${s.action === "skip" ? "up to date" : s.action}`).join(", ")}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify({ submitted: false }, null, 2)}\n`);
      return 0;
    }
    const args = [...options.set.flatMap((s) => ["--set", s]), ...(options.variant ?? []).flatMap((v) => ["--variant", v])];
    const command: ChainCommand = { ...compute(experiment.cluster.slurm?.node), args, force: options.force, cwd: process.cwd() };
    chain = await submitChain(plan, store, commands, command);
    const { openEventLog, RUN_STAGE } = await import("../pipeline/event-log.js");
    const log = openEventLog({ workdir: experiment.workdir });
    log.record("info", RUN_STAGE, "chain-submitted", { chain: chain.id, jobs: chain.jobs.map((j) => ({ id: j.id, stages: j.stages })) });
    await log.close();
  } finally {
    await lock.release();
  }
  // The first job's run takes the workdir's lock: it may start only now.
  await startChain(chain, commands);
  if (options.json) process.stdout.write(`${JSON.stringify({ submitted: true, chain }, null, 2)}\n`);
  else process.stderr.write(followText(config, chain));
  return 0;
}
