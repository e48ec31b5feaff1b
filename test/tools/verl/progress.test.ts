import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  cleanVerlLine,
  createVerlProgressParser,
  parseMetricValue,
  parseVerlFileLogLine,
  parseVerlStepLine,
  VerlFileLogReader,
  verlTotalSteps,
  type VerlEvent,
} from "../../../src/tools/verl/progress.js";
import { tempDir } from "../../helpers/tmp.js";

// Recorded-style lines: seed era (3 decimals) and current (pprint reprs, numpy scalars), Ray-prefixed and coloured.
const SEED_LINE = "(main_task pid=152455) step:12 - critic/score/mean:0.530 - response_length/mean:812.300 - timing_s/step:95.100";
const CURRENT_LINE =
  "\x1b[36m(TaskRunner pid=152455)\x1b[0m step:13 - training/global_step:13 - actor/pg_loss:np.float64(-0.0006611) - actor/entropy:np.float32(1.25e-01) - critic/score/mean:0.5625 - response_length/mean:812.3 - actor/grad_norm:nan - perf/throughput:inf - training/epoch:0 - flag:True";

describe("console lines", () => {
  it("strips colour, Ray's prefix and its repeat note", () => {
    expect(cleanVerlLine("\x1b[33m(TaskRunner pid=1, ip=10.0.0.2)\x1b[0m step:1 - a:1 [repeated 3x across cluster]")).toBe("step:1 - a:1");
  });

  it("parses both number formats", () => {
    expect(parseVerlStepLine(SEED_LINE)).toEqual({ step: 12, metrics: { "critic/score/mean": 0.53, "response_length/mean": 812.3, "timing_s/step": 95.1 } });
    const current = parseVerlStepLine(CURRENT_LINE)!;
    expect(current.step).toBe(13);
    expect(current.metrics["actor/pg_loss"]).toBeCloseTo(-0.0006611);
    expect(current.metrics["actor/entropy"]).toBeCloseTo(0.125);
    expect(current.metrics["critic/score/mean"]).toBe(0.5625);
    expect(current.metrics["actor/grad_norm"]).toBeNaN();
    expect(current.metrics["perf/throughput"]).toBe(Infinity);
    expect(current.metrics.flag).toBe(1);
  });

  it("keeps keys with colons whole (split at the last colon) and skips non-numeric values", () => {
    expect(parseVerlStepLine("step:1 - val-core/a:b/acc/mean@1:0.5 - note:hello")!.metrics).toEqual({ "val-core/a:b/acc/mean@1": 0.5 });
    expect(parseMetricValue("np.float64(2.5e-3)")).toBe(0.0025);
    expect(parseMetricValue("abc")).toBeUndefined();
    expect(parseVerlStepLine("Training Progress: 3%")).toBeUndefined();
  });
});

describe("createVerlProgressParser", () => {
  it("emits total, validation-only, progress, checkpoint and resume events", () => {
    const parser = createVerlProgressParser();
    const lines = [
      "(TaskRunner pid=7) Size of train dataloader: 20, Size of val dataloader: 1",
      "(TaskRunner pid=7) Total training steps: 300",
      "(TaskRunner pid=7) step:0 - val-core/cflue/acc/mean@1:np.float64(0.41)",
      "(TaskRunner pid=7) step:1 - critic/score/mean:0.53 - response_length/mean:812.3 - timing_s/step:95.1",
      "(TaskRunner pid=7) local_global_step_folder: /ck/global_step_50",
      "(TaskRunner pid=7) Setting global step to 50",
    ];
    const events: VerlEvent[] = lines.flatMap((l) => parser.push(l));
    expect(events).toEqual([
      { kind: "total", total: 300 },
      { kind: "progress", step: 0, total: 300, metrics: { "val-core/cflue/acc/mean@1": 0.41 }, validationOnly: true },
      {
        kind: "progress",
        step: 1,
        total: 300,
        metrics: { "critic/score/mean": 0.53, "response_length/mean": 812.3, "timing_s/step": 95.1 },
        validationOnly: false,
      },
      { kind: "checkpoint", step: 50, path: "/ck/global_step_50" },
      { kind: "resumed", step: 50 },
    ]);
    expect(parser.total).toBe(300);
    expect(parser.lastStep).toBe(1);
  });

  it("treats the validation line after a resume as validation-only, and splits tqdm \\r updates", () => {
    const parser = createVerlProgressParser({ total: 10 });
    const [resumeVal] = parser.push("step:5 - val-core/x/reward/mean@1:0.7 - training/global_step:5");
    expect(resumeVal).toMatchObject({ step: 5, validationOnly: true });
    const events = parser.push("Training Progress: 50%|#| 5/10\rstep:6 - critic/score/mean:0.6\n");
    expect(events).toEqual([{ kind: "progress", step: 6, total: 10, metrics: { "critic/score/mean": 0.6 }, validationOnly: false }]);
  });
});

describe("file logger JSONL", () => {
  it("parses records, including Python's NaN/Infinity", () => {
    expect(parseVerlFileLogLine('{"step": 3, "data": {"critic/score/mean": 0.5, "actor/grad_norm": NaN, "x": -Infinity, "s": "text"}}')).toEqual({
      step: 3,
      metrics: { "critic/score/mean": 0.5, "actor/grad_norm": Number.NaN, x: -Infinity },
    });
    expect(parseVerlFileLogLine("not json")).toBeUndefined();
    expect(parseVerlFileLogLine('{"data": {}}')).toBeUndefined();
  });

  it("reads incrementally by byte offset and waits for a partial last line", async () => {
    const dir = await tempDir();
    const file = join(dir, "metrics.jsonl");
    const reader = new VerlFileLogReader(file, 4);
    const seen: number[] = [];
    const collect = (e: { step: number }) => seen.push(e.step);
    await reader.poll(collect); // file not there yet
    await writeFile(file, '{"step": 0, "data": {"val-core/x/acc/mean@1": 0.1}}\n{"step": 1, "data": {"critic/score/mean": 0.2}}\n{"step": 2, "da');
    await reader.poll(collect);
    expect(seen).toEqual([0, 1]);
    // Saved mid-record, a successor reader still gets step 2 once it is complete.
    const successor = new VerlFileLogReader(file, 4, reader.position);
    await appendFile(file, 'ta": {"critic/score/mean": 0.3}}\n');
    await reader.poll(collect);
    expect(seen).toEqual([0, 1, 2]);
    const fromSuccessor: number[] = [];
    await successor.poll((e) => fromSuccessor.push(e.step));
    expect(fromSuccessor).toEqual([2]);
    // A new reader started at the saved offset does not replay anything.
    const again = new VerlFileLogReader(file, 4, reader.position);
    const replayed: number[] = [];
    await again.poll((e) => replayed.push(e.step));
    expect(replayed).toEqual([]);
  });
});

describe("verlTotalSteps", () => {
  it("drops the last partial batch per epoch", () => {
    expect(verlTotalSteps(20_500, 1024, 15)).toBe(20 * 15);
    expect(verlTotalSteps(100, 1024, 15)).toBe(0);
    expect(verlTotalSteps(100, 8, 2, 7)).toBe(7);
  });
});
