// What `submit` on Slurm does around the chain, for one experiment and for each variant of a family: where Node and
// this CLI are on the compute side, a live chain reported (nothing submitted), the submitted chain recorded and shown.
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { StateStore } from "../pipeline/state.js";
import { cancelLiveChain, chainNow, startChain, type ChainCommand, type ChainState } from "../pipeline/chain.js";
import { chainLines, chainStatus } from "./chain-status.js";
import type { SlurmCommands } from "../launch/slurm/commands.js";

/** Node and this CLI as the submitting process was started (absolute, links resolved); `cluster.slurm.node` wins. */
export function compute(node: string | undefined): Pick<ChainCommand, "node" | "cli"> {
  return { node: node ?? process.execPath, cli: realpathSync(resolve(process.argv[1]!)) };
}

export function chainRows(chain: ChainState): string[] {
  return chain.jobs.map(
    (j) => `  ${j.stages.join("+").padEnd(11)} slurm job ${j.id}${j.after ? ` (starts after job ${j.after.split(":").join(", ")} ends well)` : ""}\n`,
  );
}

export function followText(config: string, chain: ChainState): string {
  return [
    `submitted chain ${chain.id}: ${chain.jobs.length} job${chain.jobs.length === 1 ? "" : "s"}\n`,
    ...chainRows(chain),
    `follow:  dianjin-train status ${config}    dianjin-train logs -f ${config} <stage>\n`,
    `cancel:  dianjin-train cancel ${config}    (ends every job of the chain)\n`,
  ].join("");
}

/** A live chain is reported (its lines on stderr, after `heading`); the chain when there is one. */
export async function liveChain(store: StateStore, commands: SlurmCommands, heading = ""): Promise<ChainState | undefined> {
  const prior = store.state.chain && (await chainNow(store.state.chain, commands));
  if (!prior?.live) return undefined;
  if (!prior.whole) {
    // A submit died midway: its first job is still held, nothing of it ran. It is ended, and the chain submitted anew.
    const ended = await cancelLiveChain(prior, commands);
    process.stderr.write(`${heading}an earlier submit stopped midway: cancelled its partial chain (slurm jobs ${ended.join(", ")})\n`);
    return undefined;
  }
  // A submit that died before releasing its first job left the chain held: it is started now, not submitted again.
  const first = prior.chain.jobs[0]?.id;
  if (first && /JobHeldUser/.test(prior.statuses.get(first)?.reason ?? "")) await startChain(prior.chain, commands);
  const lines = chainLines(prior, await chainStatus(prior, store.state, store.workdir));
  process.stderr.write(`${heading}${lines.join("\n")}\n`);
  return prior.chain;
}

/** The chain in the workdir's run log, as submitted. */
export async function recordSubmitted(workdir: string, chain: ChainState): Promise<void> {
  const { openEventLog, RUN_STAGE } = await import("../pipeline/event-log.js");
  const log = openEventLog({ workdir });
  log.record("info", RUN_STAGE, "chain-submitted", { chain: chain.id, jobs: chain.jobs.map((j) => ({ id: j.id, stages: j.stages })) });
  await log.close();
}
