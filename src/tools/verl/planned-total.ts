// verl's planned number of steps, as the trainer itself printed it ("Total training steps: N", ray_trainer.py's
// _create_dataloader) in the stage's attempt logs: a GRPO run is finished only when its newest whole checkpoint is
// that step. Read from the newest attempt that printed it; the line comes early, so a log is read only up to it.
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { findLatestCheckpoint } from "./checkpoints.js";

const TOTAL_LINE = /Total training steps: (\d+)/;
const ATTEMPT_LOG = /^attempt-(\d+)\.log$/;

async function totalIn(file: string): Promise<number | undefined> {
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const m = TOTAL_LINE.exec(line);
      if (m) return Number(m[1]);
    }
  } catch {
    // unreadable: nothing known from it
  } finally {
    lines.close();
  }
  return undefined;
}

/** The planned total steps from the newest attempt log that states it; undefined when none does. */
export async function plannedTotalSteps(logsDir: string): Promise<number | undefined> {
  const attempts = (await readdir(logsDir).catch(() => [] as string[]))
    .map((name) => ({ name, n: Number(ATTEMPT_LOG.exec(name)?.[1]) }))
    .filter((a) => Number.isInteger(a.n))
    .sort((a, b) => b.n - a.n);
  for (const a of attempts) {
    const total = await totalIn(join(logsDir, a.name));
    if (total !== undefined) return total;
  }
  return undefined;
}

/**
 * Why a GRPO run is not proved finished (undefined when it is): a finished run's newest whole checkpoint is the
 * planned last step, since verl saves at the last step whenever it saves at all.
 */
export async function unfinishedRun(checkpointDir: string, logsDir: string): Promise<string | undefined> {
  const latest = await findLatestCheckpoint(checkpointDir);
  if (!latest.checkpoint) return "no complete checkpoint exists";
  const total = await plannedTotalSteps(logsDir);
  if (total === undefined) return 'no log says how many steps were planned (verl\'s "Total training steps" line)';
  if (latest.checkpoint.step < total) return `its newest complete checkpoint is step ${latest.checkpoint.step} of ${total}`;
  return undefined;
}
