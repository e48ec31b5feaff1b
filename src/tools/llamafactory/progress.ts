// Reads LLaMA-Factory's trainer_log.jsonl incrementally by byte offset: only new bytes are read, a partial last
// line waits for its newline, and memory stays flat however long the file grows.
import { LineReader } from "../../util/line-reader.js";
import { parseTimedelta, type TrainerProgress } from "../hf-trainer/progress.js";

export function parseTrainerLogLine(line: string): Omit<TrainerProgress, "replay"> | undefined {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const step = record.current_steps;
  const total = record.total_steps;
  if (typeof step !== "number" || typeof total !== "number") return undefined;
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  const time = (v: unknown) => (typeof v === "string" ? parseTimedelta(v) : undefined);
  return {
    step,
    total,
    loss: num(record.loss),
    // Very old versions wrote `learning_rate`.
    lr: num(record.lr) ?? num(record.learning_rate),
    epoch: num(record.epoch),
    percentage: num(record.percentage),
    elapsedSeconds: time(record.elapsed_time),
    remainingSeconds: time(record.remaining_time),
  };
}

const STEP_FIELD = Buffer.from('"current_steps":');

/** current_steps read straight from the bytes of a line, without parsing it; -1 when absent. */
export function stepOf(data: Buffer, start: number, end: number): number {
  const at = data.indexOf(STEP_FIELD, start);
  if (at === -1 || at >= end) return -1;
  let i = at + STEP_FIELD.length;
  while (i < end && data[i] === 0x20) i++;
  let step = 0;
  let digits = 0;
  for (; i < end && data[i]! >= 0x30 && data[i]! <= 0x39; i++, digits++) step = step * 10 + (data[i]! - 0x30);
  return digits ? step : -1;
}

/**
 * Follows trainer_log.jsonl. `poll` reports the newest entry of what was appended (what a progress display needs)
 * and reads the step of every line from its bytes to notice replays; `pollAll` parses every line (for curves).
 */
export class TrainerLogReader {
  private readonly lines: LineReader;
  private highestStep = -1;

  constructor(readonly file: string) {
    this.lines = new LineReader(file);
  }

  private entry(line: string): TrainerProgress | undefined {
    const parsed = parseTrainerLogLine(line);
    if (!parsed) return undefined;
    const replay = parsed.step <= this.highestStep;
    if (!replay) this.highestStep = parsed.step;
    return { ...parsed, replay };
  }

  /** Reads what was appended since the last call and reports the newest complete entry, if any. */
  async poll(onEntry: (entry: TrainerProgress) => void): Promise<void> {
    let last: string | undefined;
    let lastStep = -1;
    let replayed = false;
    await this.lines.pollRaw((data, start, end) => {
      const step = stepOf(data, start, end);
      if (step < 0) return;
      if (step <= Math.max(this.highestStep, lastStep)) replayed = true;
      lastStep = step;
      last = data.toString("utf8", start, end);
    });
    if (last === undefined) return;
    const entry = this.entry(last);
    if (entry) onEntry({ ...entry, replay: entry.replay || replayed });
  }

  /** Reads what was appended since the last call and returns one entry per complete line. */
  async pollAll(onEntry: (entry: TrainerProgress) => void): Promise<void> {
    await this.lines.poll((line) => {
      const entry = line ? this.entry(line) : undefined;
      if (entry) onEntry(entry);
    });
  }
}
