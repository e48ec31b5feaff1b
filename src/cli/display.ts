// Plain terminal lines for the events (CI, pipes, --log-format plain): a line per stage change, a progress line every
// few seconds, every retry and message. The live TTY display is live-display.ts.
import type { EventSink, PipelineEvent } from "../contract/events.js";
import { formatDuration, progressText, StageMeter } from "./stage-meter.js";

/** pino's numbers, so --log-level means the same here and in events.jsonl. */
const LEVEL_VALUE: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

function levelOf(e: PipelineEvent): number {
  if (e.type === "stage-end" && e.status !== "completed") return LEVEL_VALUE.error!;
  if (e.type === "retry" || (e.type === "log" && e.level === "warn")) return LEVEL_VALUE.warn!;
  return LEVEL_VALUE.info!;
}

export interface PlainDisplayOptions {
  stream?: NodeJS.WritableStream;
  /** At most one progress line per stage this often (the last step is always printed). */
  intervalMs?: number;
  level?: string;
  now?: () => number;
}

export function createDisplay(options: PlainDisplayOptions = {}): EventSink {
  const stream = options.stream ?? process.stderr;
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  const threshold = LEVEL_VALUE[options.level ?? "info"] ?? LEVEL_VALUE.info!;
  const meter = new StageMeter(now);
  const lastPrinted = new Map<string, number>();
  return (e) => {
    const view = meter.update(e);
    if (levelOf(e) < threshold) return;
    switch (e.type) {
      case "stage-start":
        stream.write(
          e.action === "reattach"
            ? `▶ ${e.stage}: ${e.reason}\n`
            : `▶ ${e.stage}: ${e.action === "resume" ? "resuming" : "running"} (attempt ${e.attempt}) — ${e.reason}\n`,
        );
        break;
      case "stage-skip":
        stream.write(`✓ ${e.stage}: skipped — ${e.reason}\n`);
        break;
      case "stage-end": {
        const numbers = progressText(view, false);
        stream.write(`${e.status === "completed" ? "✓" : "✗"} ${e.stage}: ${e.status} in ${formatDuration(e.seconds)}${numbers ? ` (${numbers})` : ""}\n`);
        break;
      }
      case "progress":
        if (now() - (lastPrinted.get(e.stage) ?? -Infinity) >= intervalMs || e.step === e.total) {
          stream.write(`  [${e.stage}] ${progressText(view, false)}\n`);
          lastPrinted.set(e.stage, now());
        }
        break;
      case "checkpoint":
        stream.write(`  [${e.stage}] checkpoint at step ${e.step}: ${e.path}\n`);
        break;
      case "retry":
        stream.write(
          `  [${e.stage}] retry after attempt ${e.attempt}: ${e.reason}${e.status ? ` (HTTP ${e.status})` : ""}, waiting ${formatDuration(e.waitMs / 1000)}\n`,
        );
        break;
      case "log":
        stream.write(`  [${e.stage}] ${e.message}\n`);
        break;
    }
  };
}
