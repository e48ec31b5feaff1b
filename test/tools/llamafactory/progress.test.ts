import { describe, expect, it } from "vitest";
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TrainerLogReader, stepOf } from "../../../src/tools/llamafactory/progress.js";
import { LossCurve, parseTimedelta, type TrainerProgress } from "../../../src/tools/hf-trainer/progress.js";
import { tempDir } from "../../helpers/tmp.js";

const line = (step: number, total = 100, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ current_steps: step, total_steps: total, loss: 1 / step, lr: 1e-5, epoch: step / 10, percentage: step, elapsed_time: "0:01:00", remaining_time: "1 day, 2:03:04", ...extra })}\n`;

describe("parseTimedelta", () => {
  it.each([
    ["0:03:25", 205],
    ["1 day, 2:03:04", 93784],
    ["3 days, 0:00:01.5", 259201.5],
    ["12:00:00", 43200],
  ])("%s → %s s", (text, seconds) => expect(parseTimedelta(text)).toBe(seconds));
  it("rejects other text", () => expect(parseTimedelta("soon")).toBeUndefined());
});

describe("TrainerLogReader", () => {
  it("reads only appended bytes and waits for a partial line to finish", async () => {
    const file = join(await tempDir(), "trainer_log.jsonl");
    const reader = new TrainerLogReader(file);
    const seen: TrainerProgress[] = [];
    await reader.pollAll((e) => seen.push(e)); // file not there yet
    await writeFile(file, line(10) + line(20).slice(0, 15));
    await reader.pollAll((e) => seen.push(e));
    expect(seen.map((e) => e.step)).toEqual([10]);
    await appendFile(file, line(20).slice(15));
    await reader.pollAll((e) => seen.push(e));
    expect(seen.map((e) => e.step)).toEqual([10, 20]);
    expect(seen[1]!.remainingSeconds).toBe(93784);
    expect(seen[1]!.lr).toBe(1e-5);
  });

  it("marks steps replayed after a resume, and the curve keeps the latest value per step", async () => {
    const file = join(await tempDir(), "trainer_log.jsonl");
    // First attempt logged 10..30, crashed; checkpoint at 20; the resumed attempt logs 30 again, then 40.
    await writeFile(
      file,
      line(10) + line(20) + line(30) + line(30, 100, { loss: 0.5 }) + line(40) + `{"current_steps": 41, "total_steps": 100}\n` + "not json\n",
    );
    const reader = new TrainerLogReader(file);
    const seen: TrainerProgress[] = [];
    const curve = new LossCurve();
    await reader.pollAll((e) => {
      seen.push(e);
      curve.add(e);
    });
    expect(seen.map((e) => [e.step, e.replay])).toEqual([
      [10, false],
      [20, false],
      [30, false],
      [30, true],
      [40, false],
      [41, false],
    ]);
    expect(curve.steps).toEqual([10, 20, 30, 40]);
    expect(curve.losses[2]).toBe(0.5);
  });

  it("starts over when the file is replaced by a shorter one", async () => {
    const file = join(await tempDir(), "trainer_log.jsonl");
    await writeFile(file, line(10) + line(20) + line(30));
    const reader = new TrainerLogReader(file);
    await reader.pollAll(() => undefined);
    await writeFile(file, line(1));
    const seen: number[] = [];
    await reader.pollAll((e) => seen.push(e.step));
    expect(seen).toEqual([1]);
  });

  it("poll reports only the newest entry, and flags a replay anywhere in what it read", async () => {
    const file = join(await tempDir(), "trainer_log.jsonl");
    await writeFile(file, line(10) + line(20) + line(30));
    const reader = new TrainerLogReader(file);
    const seen: TrainerProgress[] = [];
    await reader.poll((e) => seen.push(e));
    expect(seen.map((e) => [e.step, e.replay])).toEqual([[30, false]]);
    await appendFile(file, line(25) + line(26, 100, { current_steps: 26 }) + line(35));
    await reader.poll((e) => seen.push(e));
    expect(seen.map((e) => [e.step, e.replay])).toEqual([
      [30, false],
      [35, true],
    ]);
    await reader.poll((e) => seen.push(e)); // nothing new
    expect(seen).toHaveLength(2);
  });

  it("reads the step from bytes with or without a space after the colon", () => {
    const a = Buffer.from('{"current_steps":123,"total_steps":5}');
    const b = Buffer.from('{"loss": 1, "current_steps": 7}');
    expect(stepOf(a, 0, a.length)).toBe(123);
    expect(stepOf(b, 0, b.length)).toBe(7);
    expect(stepOf(b, 0, 10)).toBe(-1);
  });
});
