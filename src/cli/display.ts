// Turns pipeline events into terminal lines: one redrawn progress line on a TTY, a line every few seconds otherwise.
import type { PipelineEvent } from "../pipeline/events.js";

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

function formatMetric(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toFixed(4);
}

export function progressLine(e: Extract<PipelineEvent, { type: "progress" }>): string {
  const pct = e.total ? ` (${((e.step / e.total) * 100).toFixed(1)}%)` : "";
  const metrics = Object.entries(e.metrics)
    .map(([k, v]) => `${k} ${formatMetric(v)}`)
    .join("  ");
  const eta = e.etaSeconds !== undefined ? `  ETA ${formatDuration(e.etaSeconds)}` : "";
  return `[${e.stage}] step ${e.step}/${e.total}${pct}  ${metrics}${eta}`.trimEnd();
}

export function createDisplay(stream: NodeJS.WriteStream = process.stderr, intervalMs = 10_000) {
  const tty = stream.isTTY === true;
  let lastPrinted = 0;
  let onProgressLine = false;
  const endLine = () => {
    if (onProgressLine) stream.write("\n");
    onProgressLine = false;
  };
  return (e: PipelineEvent) => {
    switch (e.type) {
      case "stage-start":
        endLine();
        stream.write(e.action === "reattach" ? `▶ ${e.stage}: ${e.reason}\n` : `▶ ${e.stage}: ${e.action === "resume" ? "resuming" : "running"} (attempt ${e.attempt}) — ${e.reason}\n`);
        break;
      case "stage-skip":
        endLine();
        stream.write(`✓ ${e.stage}: skipped — ${e.reason}\n`);
        break;
      case "stage-end":
        endLine();
        stream.write(`${e.status === "completed" ? "✓" : "✗"} ${e.stage}: ${e.status} in ${formatDuration(e.seconds)}\n`);
        break;
      case "progress": {
        const line = progressLine(e);
        if (tty) {
          stream.write(`\r\x1b[2K${line}`);
          onProgressLine = true;
        } else if (Date.now() - lastPrinted >= intervalMs || e.step === e.total) {
          stream.write(`${line}\n`);
          lastPrinted = Date.now();
        }
        break;
      }
      case "checkpoint":
        endLine();
        stream.write(`  [${e.stage}] checkpoint at step ${e.step}: ${e.path}\n`);
        break;
      case "log":
        endLine();
        stream.write(`  [${e.stage}] ${e.message}\n`);
        break;
    }
  };
}
