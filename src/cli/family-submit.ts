// `submit` of a family. On Slurm, each stage the selected variants share is submitted once, in the chain of the first
// variant that would start it, and every variant's chain after it: the variant's first job waits (afterok) for the
// jobs building what it shares, and its run plans those stages as reused from the store (family-chain.ts). Each chain
// is recorded in its variant's state, so `status` and `cancel` of the family show and end them. Under the local and
// Ray launchers, one detached driver runs the family's `run` (submit-detached.ts).
import { idsOf, startChain, submitChain, type ChainState } from "../pipeline/chain.js";
import type { Family } from "../pipeline/family.js";
import { builtBy, familyChains } from "../pipeline/family-chain.js";
import { slurmCommandsFor } from "../pipeline/launchers.js";
import { acquireLock, type Lock } from "../pipeline/lock.js";
import { refuseUnlessReady } from "../pipeline/preflight.js";
import { StateStore } from "../pipeline/state.js";
import type { SlurmCommands } from "../launch/slurm/commands.js";
import { cancelChain } from "../launch/slurm/submit.js";
import { planOptions, type CommonOptions, type LogOptions } from "./options.js";
import { chainRows, compute, liveChain, recordSubmitted } from "./submit-slurm.js";

type Options = CommonOptions & Partial<LogOptions> & { json?: boolean };

/** The variants whose submitted chain is still live (each reported on stderr under its name). */
async function liveVariants(family: Family, commands: SlurmCommands): Promise<string[]> {
  const live = [];
  for (const { variant, loaded } of family.members) {
    const store = await StateStore.open(loaded.config.workdir, loaded.config.name);
    if (!store.state.chain) continue;
    if (await liveChain(store, commands, `variant ${variant}\n`)) live.push(variant);
  }
  return live;
}

function reportLive(live: string[], json: boolean | undefined): number {
  process.stderr.write(`submitted chains are still live (${live.join(", ")}): nothing submitted (\`cancel\` ends them)\n`);
  if (json) process.stdout.write(`${JSON.stringify({ submitted: false, live }, null, 2)}\n`);
  return 0;
}

export async function familySubmitCommand(config: string, family: Family, options: Options): Promise<number> {
  const cluster = family.members[0]!.loaded.config.cluster;
  if (cluster.launcher !== "slurm") return (await import("./submit-detached.js")).submitDetachedFamily(config, family, options);
  const commands = await slurmCommandsFor();
  // Asked before the locks: a live chain's running job holds its variant's.
  const live = await liveVariants(family, commands);
  if (live.length) return reportLive(live, options.json);
  const locks: Lock[] = [];
  const submitted: Array<{ variant: string; chain: ChainState }> = [];
  try {
    for (const { loaded } of family.members) locks.push(await acquireLock(loaded.config.workdir, `dianjin-train submit ${config}`));
    const again = await liveVariants(family, commands);
    if (again.length) return reportLive(again, options.json);
    const { planFamily } = await import("../pipeline/family.js");
    const fp = await planFamily(family, planOptions(options));
    for (const { variant, plan } of fp.plans) {
      const attended = plan.stages.find((s) => s.action === "reattach");
      if (!attended) continue;
      process.stderr.write(
        `dianjin-train: variant ${variant}: ${attended.name} has a live job (${attended.reason}); nothing submitted — \`status\` shows it\n`,
      );
      return 1;
    }
    for (const { plan } of fp.plans) await refuseUnlessReady(plan);
    const base = { ...compute(cluster.slurm?.node), force: options.force, cwd: process.cwd() };
    const jobOf = (variant: string, stage: string) => submitted.find((s) => s.variant === variant)?.chain.jobs.find((j) => j.stages.includes(stage))?.id;
    try {
      for (const chain of familyChains(fp)) {
        if (!chain.plan.stages.some((s) => s.action === "run" || s.action === "resume")) continue;
        // Stages reused from another variant's job are planned in this variant's first job, where they are `reuse`.
        const args = [...options.set.flatMap((s) => ["--set", s]), "--variant", chain.variant, ...chain.reuses.flatMap((r) => ["--only", r.stage])];
        const store = await StateStore.open(chain.plan.workdir, chain.plan.experiment);
        const after = builtBy(chain, jobOf);
        const submittedChain = await submitChain(chain.plan, store, commands, { ...base, args }, after ? { after } : undefined);
        submitted.push({ variant: chain.variant, chain: submittedChain });
        await recordSubmitted(chain.plan.workdir, submittedChain);
      }
    } catch (error) {
      // Nothing of them ran (each first job is held): the family is submitted whole or not at all.
      for (const { chain } of submitted) await cancelChain(commands, idsOf(chain), chain.cluster).catch(() => undefined);
      throw error;
    }
  } finally {
    for (const lock of locks) await lock.release();
  }
  // Each first job's run takes its variant's lock: they may start only now.
  for (const { chain } of submitted) await startChain(chain, commands);
  return reportSubmitted(config, submitted, options.json);
}

function reportSubmitted(config: string, submitted: Array<{ variant: string; chain: ChainState }>, json: boolean | undefined): number {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ submitted: submitted.length > 0, variants: Object.fromEntries(submitted.map((s) => [s.variant, s.chain])) }, null, 2)}\n`,
    );
    return 0;
  }
  if (!submitted.length) {
    process.stderr.write("nothing to submit: every selected stage of every variant is up to date (`status` shows them)\n");
    return 0;
  }
  for (const { variant, chain } of submitted) process.stderr.write(`variant ${variant}: chain ${chain.id}\n${chainRows(chain).join("")}`);
  process.stderr.write(`follow:  dianjin-train status ${config}    cancel:  dianjin-train cancel ${config}    (every variant's chain)\n`);
  return 0;
}
