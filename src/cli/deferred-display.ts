// The live display, loaded when something runs: a run whose stages are all up to date prints its skip lines plainly
// and never loads listr2 (a fifth of such a run's start-up). Events that arrive while it loads are queued, in order.
import type { EventSink, PipelineEvent } from "../contract/events.js";

export interface LiveSink {
  sink: EventSink;
  close(): Promise<void>;
}

export function deferLiveDisplay(load: () => Promise<LiveSink>, plain: EventSink): LiveSink {
  let live: LiveSink | undefined;
  let loading: Promise<void> | undefined;
  const queue: PipelineEvent[] = [];
  return {
    sink(e) {
      if (live) return live.sink(e);
      if (!loading && e.type === "stage-skip") return plain(e);
      queue.push(e);
      loading ??= load().then((display) => {
        live = display;
        for (const queued of queue.splice(0)) display.sink(queued);
      });
    },
    async close() {
      await loading;
      await live?.close();
    },
  };
}
