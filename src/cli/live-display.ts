// The live TTY display (--log-format pretty on a terminal): listr2 redraws one line per stage in place — spinner,
// progress bar, step/total, rate, ETA, latest loss or score, retries — with the stage's latest message under it.
import { Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper, type DefaultRenderer, type SimpleRenderer } from "listr2";
import type { EventSink, PipelineEvent } from "../contract/events.js";
import { formatDuration, progressText, StageMeter, type StageView } from "./stage-meter.js";

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

/** The stage's line: `sft  ████████░░░░ 12/40 30%  2.1 step/s  ETA 13s  loss 0.5123`. */
export function liveTitle(view: StageView): string {
  const numbers = progressText(view);
  const head = view.status === "skipped" ? `${view.stage}  skipped — ${view.reason ?? ""}` : view.stage.padEnd(6);
  const tail = view.status === "running" ? "" : view.status === "skipped" ? "" : `  ${view.status} in ${formatDuration(view.seconds ?? 0)}`;
  return `${head}${numbers ? `  ${numbers}` : ""}${tail}`.trimEnd();
}

interface Running {
  task?: Task;
  /** Title and message that arrived before listr2 handed us the task. */
  pending: { title?: string; output?: string };
  settle: (error?: Error) => void;
}

export interface LiveDisplay {
  sink: EventSink;
  /** Waits for the last redraw, so what follows prints below the display. */
  close(): Promise<void>;
}

export function createLiveDisplay(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): LiveDisplay {
  const meter = new StageMeter(now);
  const running = new Map<string, Running>();
  const runs: Promise<unknown>[] = [];

  const start = (view: StageView, skipped = false) => {
    let settle!: (error?: Error) => void;
    const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    const entry: Running = { pending: {}, settle };
    running.set(view.stage, entry);
    const list = new Listr(
      [
        {
          title: liveTitle(view),
          task: async (_ctx, task: Task) => {
            if (skipped) return task.skip(liveTitle(view));
            entry.task = task;
            if (entry.pending.title) task.title = entry.pending.title;
            if (entry.pending.output) task.output = entry.pending.output;
            await done;
          },
          rendererOptions: { outputBar: 1, persistentOutput: false },
        },
      ],
      {
        renderer: "default",
        // Signals stay with the run command (it ends the tool's process tree); listr2 would exit on its own.
        registerSignalListeners: false,
        exitOnError: false,
        collectErrors: false,
        rendererOptions: { formatOutput: "truncate", showErrorMessage: false, logger: new ListrLogger({ processOutput: new ProcessOutput(stream, stream) }) },
      },
    );
    runs.push(list.run().catch(() => undefined));
  };

  const sink: EventSink = (e: PipelineEvent) => {
    const view = meter.update(e);
    if (e.type === "stage-start") start(view);
    else if (e.type === "stage-skip") start(view, true);
    const entry = running.get(e.stage);
    if (!entry) return;
    const title = liveTitle(view);
    const output =
      e.type === "stage-start"
        ? e.action === "reattach"
          ? e.reason
          : `${e.action === "resume" ? "resuming" : "running"} (attempt ${e.attempt}) — ${e.reason}`
        : e.type === "log"
          ? e.message
          : e.type === "checkpoint"
            ? `checkpoint at step ${e.step}: ${e.path}`
            : e.type === "retry"
              ? `retry after attempt ${e.attempt}: ${e.reason}`
              : undefined;
    if (entry.task) {
      entry.task.title = title;
      if (output) entry.task.output = output;
    } else {
      entry.pending.title = title;
      if (output) entry.pending.output = output;
    }
    if (e.type === "stage-end") {
      running.delete(e.stage);
      entry.settle(e.status === "completed" ? undefined : new Error(title));
    }
  };

  return {
    sink,
    async close() {
      for (const [, entry] of running) entry.settle(new Error("ended"));
      running.clear();
      await Promise.all(runs);
    },
  };
}
