// What a Trainer run's progress is, however a tool reports it (LLaMA-Factory's trainer_log.jsonl, the Trainer's own
// console lines under TRL): one entry per logged step, a de-duplicated loss curve, and the time left.

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
