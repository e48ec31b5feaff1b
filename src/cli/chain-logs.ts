// `logs -f` while a submitted chain is live: follows whichever stage of it is running and moves on to the next one
// when that starts, until the chain has ended (then says how each stage ended). One Slurm query per round.
import type { ChainNow } from "../pipeline/chain.js";
import { chainView, type ChainStageView } from "../pipeline/chain-view.js";
import { readState, type RunState, type StageState } from "../pipeline/state.js";
import { LineReader, tailLines } from "../util/line-reader.js";

const ROUND_MS = 2000;

export interface FollowOptions {
  workdir: string;
  experiment: string;
  /** Lines of the running stage's log shown first. */
  lines: number;
  /** The log of a stage's latest attempt (status.ts knows where in-process stages keep theirs). */
  logOf: (stage: string, s: StageState | undefined) => Promise<string | undefined>;
  ask: (state: RunState) => Promise<ChainNow>;
  write?: (text: string) => void;
}

/** undefined when no chain is live (the caller follows one stage's log as usual); else the exit code at its end. */
export async function followChain(options: FollowOptions): Promise<number | undefined> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  let state = await readState(options.workdir, options.experiment);
  if (!state.chain) return undefined;
  let now = await options.ask(state);
  if (!now.live) return undefined;
  let following: { stage: string; file: string; reader: LineReader } | undefined;
  const print = (line: string) => write(`${line}\n`);
  for (let first = true; ; first = false) {
    const running = chainView(now, state).find((v) => v.state === "running" && v.attempt !== undefined);
    const file = running ? await options.logOf(running.stage, state.stages[running.stage]) : undefined;
    if (running && file && (running.stage !== following?.stage || file !== following.file)) {
      await following?.reader.poll(print);
      write(`==> ${running.stage} (slurm job ${running.job}): ${file}\n`);
      // The stage found running when we began shows its last lines; a stage that starts later, all of its log.
      if (first) for (const line of await tailLines(file, options.lines)) print(line);
      following = { stage: running.stage, file, reader: first ? await LineReader.fromEnd(file) : new LineReader(file) };
    }
    await following?.reader.poll(print);
    if (!now.live) break;
    await new Promise((r) => setTimeout(r, ROUND_MS));
    state = await readState(options.workdir, options.experiment);
    now = await options.ask(state);
  }
  await following?.reader.poll(print);
  following?.reader.flush(print);
  write(`==> the chain has ended: ${chainView(now, state).map(ended).join(", ")}\n`);
  return 0;
}

const ended = (v: ChainStageView) => `${v.stage} ${v.state}${v.state === "failed" || v.state === "cancelled" ? ` (${v.note})` : ""}`;
