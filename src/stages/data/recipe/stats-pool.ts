// Token statistics on worker threads: the Qwen2.5 tokenizer runs at ~0.4 MB/s per core on mixed Chinese text, so
// the 206 MB release would take minutes on one thread. Records are cut into chunks and counted in parallel; partial
// sums are merged (integers, so the result is identical to the sequential count). Small inputs, or a run from the
// TypeScript sources (tests, where no compiled worker exists), are counted on the calling thread.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { emptyPartial, mergePartials, rlPartial, sftPartial, type RlRowText, type SftRecordText, type StatsPartial } from "../../../data/stats.js";
import type { StatsJob } from "./stats-worker.js";
import { distPath } from "../../../util/dist-path.js";

export const STATS_POOL_DEFAULTS = {
  /** Records per job: large enough to amortise messaging, small enough to balance the workers. */
  chunk: 256,
  /** Below this many records the tokenizer load in each worker (~0.5 s) costs more than it saves. */
  minRecords: 2000,
  maxWorkers: 8,
} as const;

const WORKER_FILE = distPath("stages/data/recipe/stats-worker.js");

export function statsWorkerCount(): number {
  return existsSync(WORKER_FILE) ? Math.min(STATS_POOL_DEFAULTS.maxWorkers, availableParallelism()) : 1;
}

export async function partialInParallel(
  kind: "sft" | "rl",
  items: readonly (SftRecordText | RlRowText)[],
  workers = statsWorkerCount(),
): Promise<StatsPartial> {
  const count = (list: readonly (SftRecordText | RlRowText)[]) => (kind === "sft" ? sftPartial(list as SftRecordText[]) : rlPartial(list as RlRowText[]));
  if (workers <= 1 || items.length < STATS_POOL_DEFAULTS.minRecords || !existsSync(WORKER_FILE)) return count(items);
  const jobs: StatsJob[] = [];
  for (let i = 0; i < items.length; i += STATS_POOL_DEFAULTS.chunk)
    jobs.push({ id: jobs.length, kind, items: items.slice(i, i + STATS_POOL_DEFAULTS.chunk) as StatsJob["items"] });
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(WORKER_FILE));
  let next = 0;
  let total = emptyPartial();
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= jobs.length) return resolve();
              worker.postMessage(jobs[next++]);
            };
            worker.on("message", (m: { partial: StatsPartial }) => {
              total = mergePartials(total, m.partial);
              send();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`statistics worker exited with code ${code}`))));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return total;
}
