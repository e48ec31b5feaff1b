// The per-stage view both displays draw: rate, ETA, headline metric, retries; and the plain-lines display.
import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { progressBar, progressText, StageMeter } from "../../src/cli/stage-meter.js";
import { createDisplay } from "../../src/cli/display.js";
import { liveTitle } from "../../src/cli/live-display.js";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("StageMeter", () => {
  it("rate is measured from the first step of this attempt; ETA from the tool when it gives one, else from the rate", () => {
    const t = clock();
    const meter = new StageMeter(t.now);
    meter.update({ type: "stage-start", stage: "sft", action: "resume", reason: "interrupted", attempt: 2 });
    meter.update({ type: "progress", stage: "sft", step: 20, total: 100, metrics: { loss: 1.5 } }); // resumed at 20
    t.advance(10_000);
    let view = meter.update({ type: "progress", stage: "sft", step: 40, total: 100, metrics: { loss: 0.75, lr: 1e-5 } });
    expect(view.rate).toBeCloseTo(2);
    expect(view.etaSeconds).toBeCloseTo(30);
    expect(view.headline).toEqual({ name: "loss", value: 0.75 });
    view = meter.update({ type: "progress", stage: "sft", step: 41, total: 100, etaSeconds: 99, metrics: {} });
    expect(view.etaSeconds).toBe(99);
    expect(view.headline).toEqual({ name: "loss", value: 0.75 }); // kept until a new one arrives
  });

  it("steps read in a burst do not make a rate: the tool's own step time does (GRPO: 0.5 s a step is 2.0 step/s, not 3000)", () => {
    const t = clock();
    const meter = new StageMeter(t.now);
    meter.update({ type: "stage-start", stage: "grpo", action: "run", reason: "never run", attempt: 1 });
    // verl's metrics file is polled once a tick: four steps 0.5 s apart arrive within 1 ms.
    let view = meter.update({ type: "progress", stage: "grpo", step: 1, total: 10, stepSeconds: 0.5, metrics: {} });
    for (const step of [2, 3, 4]) {
      t.advance(1 / 3);
      view = meter.update({ type: "progress", stage: "grpo", step, total: 10, stepSeconds: 0.5, metrics: {} });
    }
    expect(view.rate).toBeCloseTo(2);
    expect(progressText(view, false)).toBe("4/10 40%  2.0 step/s  ETA 3s");
    // Without the tool's timing, a burst gives no rate at all until a second has passed.
    const other = new StageMeter(t.now);
    other.update({ type: "progress", stage: "sft", step: 1, total: 10, metrics: {} });
    t.advance(1);
    expect(other.update({ type: "progress", stage: "sft", step: 4, total: 10, metrics: {} }).rate).toBeUndefined();
    t.advance(1499);
    expect(other.update({ type: "progress", stage: "sft", step: 5, total: 10, metrics: {} }).rate).toBeCloseTo(4 / 1.5);
  });

  it("GRPO's mean score and eval's accuracy are the headline; retries add up with their waits", () => {
    const meter = new StageMeter(() => 0);
    expect(
      meter.update({ type: "progress", stage: "grpo", step: 1, total: 5, metrics: { "critic/score/mean": 0.4, "response_length/mean": 900 } }).headline,
    ).toEqual({ name: "score", value: 0.4 });
    expect(meter.update({ type: "progress", stage: "eval", step: 1, total: 5, metrics: { tokens_per_s: 300, acc: 61.5 } }).headline).toEqual({
      name: "acc",
      value: 61.5,
    });
    meter.update({ type: "retry", stage: "data", attempt: 1, reason: "rate-limited", waitMs: 1500 });
    const view = meter.update({ type: "retry", stage: "data", attempt: 2, reason: "server-error", waitMs: 3000 });
    expect(view).toMatchObject({ retries: 2, waitedMs: 4500 });
    expect(progressText(view)).toBe("retries 2 (waited 5s)");
  });

  it("progressText and the bar", () => {
    expect(progressBar(0, 10, 10)).toBe("░".repeat(10));
    expect(progressBar(5, 10, 10)).toBe("█".repeat(5) + "░".repeat(5));
    expect(progressBar(12, 10, 10)).toBe("█".repeat(10));
    const view = {
      stage: "sft",
      status: "running" as const,
      step: 12,
      total: 40,
      rate: 0.25,
      etaSeconds: 112,
      headline: { name: "loss", value: 0.51234 },
      retries: 0,
      waitedMs: 0,
      checkpoint: 10,
    };
    expect(progressText(view, false)).toBe("12/40 30%  4.0 s/step  ETA 1m52s  loss 0.5123  ckpt 10");
    expect(liveTitle(view)).toBe(`sft     ${"█".repeat(6)}${"░".repeat(14)} 12/40 30%  4.0 s/step  ETA 1m52s  loss 0.5123  ckpt 10`);
    expect(liveTitle({ ...view, status: "failed", seconds: 75 })).toMatch(/ckpt 10 {2}failed in 1m15s$/);
    expect(liveTitle({ stage: "grpo", status: "skipped", reason: "up to date", retries: 0, waitedMs: 0 })).toBe("grpo  skipped — up to date");
  });
});

describe("plain display", () => {
  function capture(level?: string) {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (d: Buffer) => (text += d.toString()));
    const t = clock();
    return { sink: createDisplay({ stream, intervalMs: 5000, now: t.now, level }), t, text: () => text };
  }

  it("a line per stage change, progress at most every interval (and the last step), retries and messages", () => {
    const d = capture();
    d.sink({ type: "stage-start", stage: "sft", action: "run", reason: "never run in this workdir", attempt: 1 });
    d.sink({ type: "progress", stage: "sft", step: 1, total: 4, metrics: { loss: 2 } });
    d.t.advance(1000);
    d.sink({ type: "progress", stage: "sft", step: 2, total: 4, metrics: { loss: 1 } }); // within the interval: not printed
    d.t.advance(5000);
    d.sink({ type: "progress", stage: "sft", step: 3, total: 4, metrics: { loss: 0.5 } });
    d.sink({ type: "progress", stage: "sft", step: 4, total: 4, metrics: { loss: 0.25 } });
    d.sink({ type: "retry", stage: "sft", attempt: 1, reason: "rate-limited", waitMs: 2000, status: 429 });
    d.sink({ type: "stage-end", stage: "sft", status: "completed", seconds: 6 });
    expect(d.text().split("\n")).toEqual([
      "▶ sft: running (attempt 1) — never run in this workdir",
      "  [sft] 1/4 25%  loss 2",
      "  [sft] 3/4 75%  3.0 s/step  ETA 3s  loss 0.5000", // 2 steps in 6 s,
      "  [sft] 4/4 100%  2.0 s/step  ETA 0s  loss 0.2500",
      "  [sft] retry after attempt 1: rate-limited (HTTP 429), waiting 2s",
      "✓ sft: completed in 6s (4/4 100%  2.0 s/step  loss 0.2500  retries 1 (waited 2s))",
      "",
    ]);
  });

  it("--log-level warn shows only warnings and failures", () => {
    const d = capture("warn");
    d.sink({ type: "stage-start", stage: "sft", action: "run", reason: "x", attempt: 1 });
    d.sink({ type: "log", stage: "sft", level: "info", message: "hello" });
    d.sink({ type: "log", stage: "sft", level: "warn", message: "careful" });
    d.sink({ type: "stage-end", stage: "sft", status: "failed", seconds: 1 });
    expect(d.text()).toBe("  [sft] careful\n✗ sft: failed in 1s\n");
  });
});
