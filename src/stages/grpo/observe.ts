// GRPO's observer: progress from verl's console (or its `file` logger's JSONL when on), checkpoints as verl announces
// them, pruning beyond keep_checkpoints. A reattached observer goes on where the earlier watcher was: the planned total
// comes from the attempt log, and metrics lines and checkpoints already there are not announced again.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { PipelineEvent } from "../../contract/events.js";
import type { ObserveFrom, Observer, StageContext } from "../../contract/stage.js";
import { findLatestCheckpoint, pruneCheckpoints } from "../../tools/verl/checkpoints.js";
import { plannedTotalSteps } from "../../tools/verl/planned-total.js";
import { createVerlProgressParser, VerlFileLogReader, type VerlEvent } from "../../tools/verl/progress.js";
import type { GrpoStageConfig } from "./config.js";

/** `fileLogged`: the render turned verl's file logger on (VERL_FILE_LOGGER_PATH). */
export function observeGrpo(
  ctx: StageContext<GrpoStageConfig>,
  emit: (e: PipelineEvent) => void,
  keep: number | undefined,
  fileLogged: boolean,
  from?: ObserveFrom,
): Observer {
  const parser = createVerlProgressParser();
  // verl >= 0.6 writes every step's metrics as JSONL (the `file` logger): read that when it is on, else the console.
  const metricsFile = join(ctx.paths.logs, "metrics.jsonl");
  let fileLog = fileLogged ? new VerlFileLogReader(metricsFile) : undefined;
  let fromFile = false;
  let lastCheckpoint = -1;
  // Reattached: verl printed its planned total before this watcher began (the log is followed from its end).
  let planned: number | undefined;
  const progress = (event: Extract<VerlEvent, { kind: "progress" }>) => {
    if (event.validationOnly) return;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(event.metrics))
      if (typeof v === "number" && /score\/mean|response_length\/mean|timing_s\/step$/.test(k)) metrics[k] = v;
    const total = event.total ?? parser.total ?? planned ?? event.step;
    const stepSeconds = event.metrics["timing_s/step"];
    emit({
      type: "progress",
      stage: "grpo",
      step: event.step,
      total,
      metrics,
      etaSeconds: typeof stepSeconds === "number" ? stepSeconds * (total - event.step) : undefined,
      ...(typeof stepSeconds === "number" ? { stepSeconds } : {}),
    });
  };
  return {
    async start() {
      if (!from?.reattached) return;
      // What the earlier watcher saw is not announced again: metrics lines and checkpoints already there.
      planned = await plannedTotalSteps(ctx.paths.logs);
      if (fileLogged) fileLog = new VerlFileLogReader(metricsFile, planned, await fileSize(metricsFile));
      lastCheckpoint = (await findLatestCheckpoint(ctx.paths.output)).checkpoint?.step ?? -1;
    },
    onLine(line) {
      for (const event of parser.push(line)) {
        if (event.kind === "total") fileLog?.setTotal(event.total);
        if (event.kind === "progress" && !fromFile) progress(event);
        if (event.kind === "checkpoint" && event.step > lastCheckpoint) {
          lastCheckpoint = event.step;
          emit({ type: "checkpoint", stage: "grpo", step: event.step, path: join(ctx.paths.output, `global_step_${event.step}`) });
        }
      }
    },
    async onTick() {
      await fileLog?.poll((event) => {
        fromFile = true;
        progress(event);
      });
      if (keep) await pruneCheckpoints(ctx.paths.output, keep);
    },
  };
}

/** Bytes in `file` now (0 when it does not exist yet). */
async function fileSize(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}
