// The HF Trainer's own console progress, for tools that write no log file of their own (TRL): transformers'
// ProgressCallback draws a tqdm bar over the training steps ("  5%|▌   | 10/200 [00:10<03:10,  1.00it/s]", redrawn
// with carriage returns) and prints each `logs` dict with `training_bar.write(str(logs))`
// ("{'loss': 1.234, 'grad_norm': 0.5, 'learning_rate': 1e-05, 'epoch': 0.05}"; newer releases quote the
// formatted numbers). A log dict carries no step: it belongs to the step the bar showed last.
import { LossCurve, type TrainerProgress } from "./progress.js";

const TQDM = /(\d+)%\|[^|]*\|\s*(\d+)\/(\d+)\s*\[(\d+(?::\d{2}){1,2})<(\d+(?::\d{2}){1,2}|\?)/;
const LOG_DICT = /^\s*\{'[a-z_]+': .*\}\s*$/;
const PAIR = /'([a-z_]+)':\s*'?(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|nan|inf)'?/gi;

/** "03:10" or "1:03:10" (tqdm's format_interval) in seconds. */
function clockSeconds(text: string): number | undefined {
  if (text === "?") return undefined;
  return text.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

/** The numbers of a printed log dict, or undefined when the text is not one. */
export function parseLogDict(text: string): Record<string, number> | undefined {
  if (!LOG_DICT.test(text)) return undefined;
  const values: Record<string, number> = {};
  for (const m of text.matchAll(PAIR)) values[m[1]!] = Number(m[2]);
  return Object.keys(values).length ? values : undefined;
}

export interface TqdmState {
  step: number;
  total: number;
  elapsedSeconds?: number;
  remainingSeconds?: number;
}

/** The newest bar state drawn in `text` (one line may hold many redraws separated by carriage returns). */
export function parseTqdm(text: string): TqdmState | undefined {
  let found: TqdmState | undefined;
  for (const part of text.split("\r")) {
    const m = TQDM.exec(part);
    if (m) found = { step: Number(m[2]), total: Number(m[3]), elapsedSeconds: clockSeconds(m[4]!), remainingSeconds: clockSeconds(m[5]!) };
  }
  return found;
}

/**
 * Follows the console line by line: each bar redraw moves the step, each log dict with a loss becomes an entry at the
 * step shown last. A step at or below one seen before is a replay (a resumed run starts its bar at the checkpoint).
 */
export class TrainerConsole {
  private bar?: TqdmState;
  private highestStep = -1;

  /** What one console line says, newest last: bar moves (no loss) and logged losses. */
  feed(line: string): TrainerProgress[] {
    const found: TrainerProgress[] = [];
    for (const part of line.split("\r")) {
      const bar = parseTqdm(part);
      if (bar) {
        this.bar = bar;
        found.push(this.entry({}));
        continue;
      }
      const logs = parseLogDict(part);
      if (logs && logs.loss !== undefined && this.bar) found.push(this.entry(logs));
    }
    return found;
  }

  private entry(logs: Record<string, number>): TrainerProgress {
    const bar = this.bar!;
    const replay = logs.loss !== undefined && bar.step <= this.highestStep;
    if (logs.loss !== undefined && !replay) this.highestStep = bar.step;
    return {
      step: bar.step,
      total: bar.total,
      loss: logs.loss,
      lr: logs.learning_rate,
      epoch: logs.epoch,
      elapsedSeconds: bar.elapsedSeconds,
      remainingSeconds: bar.remainingSeconds,
      replay,
    };
  }
}

/** The loss curve of console logs read in order (a resumed attempt's replayed steps replace the earlier ones). */
export function consoleLossCurve(lines: Iterable<string>): LossCurve {
  const curve = new LossCurve();
  const console = new TrainerConsole();
  for (const line of lines) for (const entry of console.feed(line)) curve.add(entry);
  return curve;
}
