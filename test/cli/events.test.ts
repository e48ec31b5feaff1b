// `logs --events` readable lines.
import { describe, expect, it } from "vitest";
import { formatEventLine } from "../../src/cli/events.js";

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
});
