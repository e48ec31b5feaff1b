// `logs --events` readable lines.
import { describe, expect, it } from "vitest";
import { displayNumber, formatEventLine } from "../../src/cli/events.js";

describe("formatEventLine", () => {
  it("time, level, stage, message, then the other fields flattened", () => {
    const line = formatEventLine({
      level: 50,
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      run: "r",
      stage: "sft",
      attempt: 2,
      event: "failure",
      msg: "failure",
      cause: "cuda-oom",
      summary: "CUDA out of memory",
      metrics: { loss: 0.5 },
    });
    expect(line).toBe('2026-01-02T03:04:05.000Z error sft    failure  attempt=2 cause=cuda-oom summary="CUDA out of memory" metrics.loss=0.5');
  });

  it("rounds numbers for reading: an ETA, a loss, a learning rate", () => {
    const line = formatEventLine({
      level: 30,
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      stage: "sft",
      msg: "progress",
      step: 13,
      etaSeconds: 6.381529411764706,
      metrics: { loss: 0.55471234, learning_rate: 0.000009250000000000001, grad_norm: 1234.56789 },
    });
    expect(line).toBe(
      "2026-01-02T03:04:05.000Z info  sft    progress  step=13 etaSeconds=6.382 metrics.loss=0.5547 metrics.learning_rate=0.00000925 metrics.grad_norm=1234.568",
    );
    expect([displayNumber(-0.123456), displayNumber(40), displayNumber(2.5), displayNumber(1e-12)]).toEqual(["-0.1235", "40", "2.5", "1e-12"]);
  });
});
