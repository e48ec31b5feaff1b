// One status query per interval for all jobs being watched: every wait loop asks for "the next
// round", and all requests made before a round starts share its single sacct/squeue call (one
// call per cluster when jobs were sent to several with sbatch -M).
import type { SlurmJobStatus, SlurmStatusQuery } from "./poll.js";

export type PollAnswer = { ok: true; status: SlurmJobStatus | undefined } | { ok: false; error: unknown };

type Round = Map<string, PollAnswer>;

// A job is known by id and cluster; "" is the default cluster.
const key = (id: string, cluster: string) => `${cluster}\u0000${id}`;

export class SlurmPoller {
  private waiting = new Map<string, Set<string>>();
  private round: Promise<Round> | undefined;
  private lastRoundAt = 0;
  /** Number of queries made; tests use it to check the batching. */
  queries = 0;

  constructor(
    private readonly query: SlurmStatusQuery,
    private readonly intervalMs: number,
  ) {}

  /** Status of job `id` from the next round (at most one interval after the previous round). */
  async next(id: string, cluster = ""): Promise<PollAnswer> {
    const ids = this.waiting.get(cluster) ?? new Set<string>();
    ids.add(id);
    this.waiting.set(cluster, ids);
    this.round ??= this.runRound();
    const round = await this.round;
    return round.get(key(id, cluster)) ?? { ok: true, status: undefined };
  }

  private async runRound(): Promise<Round> {
    const delay = Math.max(0, this.lastRoundAt + this.intervalMs - Date.now());
    // Always yield first, even with no delay, so `this.round` is set before this round closes.
    await new Promise((resolve) => setTimeout(resolve, delay));
    const waiting = this.waiting;
    this.waiting = new Map();
    this.round = undefined; // requests from now on go to the next round
    this.lastRoundAt = Date.now();
    const answers: Round = new Map();
    for (const [cluster, idSet] of waiting) {
      const ids = [...idSet];
      this.queries++;
      try {
        const statuses = await this.query.statuses(ids, cluster || undefined);
        for (const id of ids) answers.set(key(id, cluster), { ok: true, status: statuses.get(id) });
      } catch (error) {
        for (const id of ids) answers.set(key(id, cluster), { ok: false, error });
      }
    }
    return answers;
  }
}
