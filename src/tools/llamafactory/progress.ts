// Reads LLaMA-Factory's trainer_log.jsonl incrementally by byte offset: only new bytes are read, a partial last
// line waits for its newline, and memory stays flat however long the file grows.
import { LineReader } from "../../util/line-reader.js";

export interface TrainerProgress {
  step: number;
  total: number;
  loss?: number;
  lr?: number;
  epoch?: number;
  elapsedSeconds?: number;
  remainingSeconds?: number;
  percentage?: number;
  /** True when this step was logged before (a resumed run replays steps after its checkpoint). */
  replay: boolean;
}

/** Parses "0:03:25", "1 day, 2:03:04", "3 days, 0:00:01.5" (Python's str(timedelta)). */
export function parseTimedelta(text: string): number | undefined {
  const m = /^(?:(-?\d+) days?, )?(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

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

export class TrainerLogReader {
  private readonly lines: LineReader;
  private highestStep = -1;

  constructor(readonly file: string) {
    this.lines = new LineReader(file);
  }

  /** Reads what was appended since the last call and returns one entry per complete line. */
  async poll(onEntry: (entry: TrainerProgress) => void): Promise<void> {
    await this.lines.poll((line) => {
      const parsed = line ? parseTrainerLogLine(line) : undefined;
      if (!parsed) return;
      const replay = parsed.step <= this.highestStep;
      if (!replay) this.highestStep = parsed.step;
      onEntry({ ...parsed, replay });
    });
  }
}

/** Keeps a loss curve de-duplicated by step: a replayed step replaces what was logged for it before. */
export class LossCurve {
  readonly steps: number[] = [];
  readonly losses: number[] = [];

  add(entry: { step: number; loss?: number }): void {
    if (entry.loss === undefined) return;
    while (this.steps.length && this.steps[this.steps.length - 1]! >= entry.step) {
      this.steps.pop();
      this.losses.pop();
    }
    this.steps.push(entry.step);
    this.losses.push(entry.loss);
  }
}

/** Seconds left, from the tool's own estimate when given, else from the observed rate since `since`. */
export function estimateRemaining(p: TrainerProgress, observed?: { firstStep: number; firstAt: number; now: number }): number | undefined {
  if (observed && p.step > observed.firstStep) {
    const rate = (observed.now - observed.firstAt) / 1000 / (p.step - observed.firstStep);
    return Math.max(0, (p.total - p.step) * rate);
  }
  return p.remainingSeconds;
}
