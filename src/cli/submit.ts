// `submit <config>`: pre-flight as `run` does, then hand the stages that would run to Slurm as a chain of jobs and
// return. Nothing keeps running here; `status`, `logs -f` and `cancel` follow the chain from state.json and Slurm.
import { loadExperiment } from "../config/load.js";
import { acquireLock } from "../pipeline/lock.js";
import { planFromLoaded } from "../pipeline/plan.js";
import { refuseUnlessReady } from "../pipeline/preflight.js";
import { StateStore } from "../pipeline/state.js";
import { slurmCommandsFor } from "../pipeline/launchers.js";
import { startChain, submitChain, type ChainCommand, type ChainState } from "../pipeline/chain.js";
import { compute, followText, liveChain, recordSubmitted } from "./submit-slurm.js";
import type { SlurmCommands } from "../launch/slurm/commands.js";
import { oneExperiment, type CommonOptions, type LogOptions } from "./options.js";

/** A live chain is reported, and nothing is submitted; true when there is one. */
async function reportedLive(store: StateStore, commands: SlurmCommands, json: boolean | undefined): Promise<boolean> {
  const live = await liveChain(store, commands);
  if (!live) return false;
  process.stderr.write("a submitted chain is still live: nothing submitted (`cancel` ends it)\n");
  if (json) process.stdout.write(`${JSON.stringify({ submitted: false, chain: live }, null, 2)}\n`);
  return true;
}

export async function submitCommand(config: string, options: CommonOptions & Partial<LogOptions> & { json?: boolean }): Promise<number> {
  // A family: each shared stage once, every variant's chain after it (family-submit.ts).
  const { loadFamily } = await import("../pipeline/family.js");
  const family = await loadFamily(config, { set: options.set, variants: options.variant });
  if (family) return (await import("./family-submit.js")).familySubmitCommand(config, family, options);
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
    await recordSubmitted(experiment.workdir, chain);
  } finally {
    await lock.release();
  }
  // The first job's run takes the workdir's lock: it may start only now.
  await startChain(chain, commands);
  if (options.json) process.stdout.write(`${JSON.stringify({ submitted: true, chain }, null, 2)}\n`);
  else process.stderr.write(followText(config, chain));
  return 0;
}
