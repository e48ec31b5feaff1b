// What the terminal shows for each stage, folded from the events: step/total, rate, ETA, the latest loss or score,
// retries and the time spent waiting on them. Both displays (live and plain lines) read it.
import type { PipelineEvent } from "../contract/events.js";

export type StageStatus = "running" | "completed" | "failed" | "interrupted" | "skipped";

export interface StageView {
  stage: string;
  status: StageStatus;
  attempt?: number;
  step?: number;
  total?: number;
  /** Steps per second over this attempt (from the first step seen, so a resume's replayed steps do not count). */
  rate?: number;
  etaSeconds?: number;
  /** The metric people watch: loss (SFT), mean score (GRPO), accuracy (eval). */
  headline?: { name: string; value: number };
  retries: number;
  waitedMs: number;
  checkpoint?: number;
  seconds?: number;
  reason?: string;
}

const HEADLINES: Array<[RegExp, string]> = [
  [/^loss$/, "loss"],
  [/score\/mean$/, "score"],
  [/^acc$/, "acc"],
];

function headlineOf(metrics: Record<string, number>): StageView["headline"] {
  for (const [pattern, name] of HEADLINES) {
    const key = Object.keys(metrics).find((k) => pattern.test(k));
    if (key !== undefined) return { name, value: metrics[key]! };
  }
  return undefined;
}

/** Arrival times closer than this do not make a rate (bursts of lines read together). */
const MIN_RATE_SPAN_MS = 1000;

export class StageMeter {
  readonly views = new Map<string, StageView>();
  private readonly first = new Map<string, { step: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Folds one event in and returns the view of its stage. */
  update(e: PipelineEvent): StageView {
    const view = this.views.get(e.stage) ?? { stage: e.stage, status: "running", retries: 0, waitedMs: 0 };
    this.views.set(e.stage, view);
    switch (e.type) {
      case "stage-start":
        Object.assign(view, { status: "running", attempt: e.attempt, reason: e.reason, rate: undefined, etaSeconds: undefined });
        this.first.delete(e.stage);
        break;
      case "stage-skip":
        Object.assign(view, { status: "skipped", reason: e.reason });
        break;
      case "stage-end":
        Object.assign(view, { status: e.status, seconds: e.seconds });
        if (e.status === "completed") view.etaSeconds = 0;
        break;
      case "progress": {
        const at = this.now();
        const first = this.first.get(e.stage);
        if (!first || e.step < first.step) this.first.set(e.stage, { step: e.step, at });
        // The tool's own step time when it gives one: steps read in a burst (a metrics file polled once a second)
        // arrive a millisecond apart, and their arrival says nothing about how fast the tool trains.
        if (e.stepSeconds !== undefined && e.stepSeconds > 0) view.rate = 1 / e.stepSeconds;
        else if (first && at - first.at >= MIN_RATE_SPAN_MS && e.step > first.step) view.rate = (e.step - first.step) / ((at - first.at) / 1000);
        view.step = e.step;
        view.total = e.total;
        view.etaSeconds = e.etaSeconds ?? (view.rate ? (e.total - e.step) / view.rate : undefined);
        view.headline = headlineOf(e.metrics) ?? view.headline;
        break;
      }
      case "checkpoint":
        view.checkpoint = e.step;
        break;
      case "retry":
        view.retries++;
        view.waitedMs += e.waitMs;
        break;
      case "log":
        break;
    }
    return view;
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

export function formatMetric(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toFixed(4);
}

export function progressBar(step: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.min(width, Math.round((step / total) * width)) : 0;
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

function formatRate(rate: number): string {
  return rate >= 1 ? `${rate.toFixed(1)} step/s` : `${(1 / rate).toFixed(1)} s/step`;
}

/** The numbers after the stage name: `12/40 30%  2.1 step/s  ETA 13s  loss 0.5123  retries 2 (waited 3s)`. */
export function progressText(view: StageView, withBar = true): string {
  const parts: string[] = [];
  if (view.step !== undefined && view.total !== undefined) {
    const pct = view.total ? ` ${Math.floor((view.step / view.total) * 100)}%` : "";
    parts.push(`${withBar ? `${progressBar(view.step, view.total)} ` : ""}${view.step}/${view.total}${pct}`);
  }
  if (view.rate) parts.push(formatRate(view.rate));
  if (view.status === "running" && view.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(view.etaSeconds)}`);
  if (view.headline) parts.push(`${view.headline.name} ${formatMetric(view.headline.value)}`);
  if (view.checkpoint !== undefined) parts.push(`ckpt ${view.checkpoint}`);
  if (view.retries) parts.push(`retries ${view.retries} (waited ${formatDuration(view.waitedMs / 1000)})`);
  return parts.join("  ");
}
