// Progress from verl's logs: the console tracker's `step:N - key:value - ...` lines (as forwarded by Ray, maybe
// coloured) and the `file` logger's JSONL. Both give the same typed events.
import { LineReader } from "../../util/line-reader.js";

export type VerlMetrics = Record<string, number>;

export type VerlEvent =
  | {
      kind: "progress";
      step: number;
      /** Total training steps, once known (from "Total training steps: T" or given). */
      total?: number;
      metrics: VerlMetrics;
      /** Only validation metrics: the line verl prints before training (step 0) or again right after a resume. */
      validationOnly: boolean;
    }
  | { kind: "total"; total: number }
  | { kind: "checkpoint"; step: number; path: string }
  | { kind: "resumed"; step: number };

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
// Ray's prefix on forwarded worker output: "(TaskRunner pid=1)", "(main_task pid=1, ip=10.0.0.2)".
const RAY_PREFIX = /^\s*\([\w.:-]+ pid=\d+(?:, ip=[\w.:-]+)?\)\s*/;
const RAY_REPEATED = /\s*\[repeated \d+x across cluster\]\s*$/;
const STEP_LINE = /^step:(\d+) - (.*)$/;
// Seed era prints 3 decimals; current prints pprint reprs: ints, True/False, nan/inf, np.float64(0.5).
const VALUE = /^(?:np\.\w+\()?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?nan|[-+]?inf|True|False)\s*\)?$/;

/** Removes colour codes, Ray's worker prefix and its de-duplication note. */
export function cleanVerlLine(line: string): string {
  return line.replace(ANSI, "").replace(RAY_PREFIX, "").replace(RAY_REPEATED, "").trimEnd();
}

export function parseMetricValue(text: string): number | undefined {
  const m = VALUE.exec(text.trim());
  if (!m) return undefined;
  const v = m[1]!;
  if (v === "True") return 1;
  if (v === "False") return 0;
  if (/nan$/.test(v)) return Number.NaN;
  if (/inf$/.test(v)) return v.startsWith("-") ? -Infinity : Infinity;
  return Number(v);
}

/** `step:12 - critic/score/mean:0.53 - ...` → step and numeric metrics; other lines → undefined. */
export function parseVerlStepLine(line: string): { step: number; metrics: VerlMetrics } | undefined {
  const m = STEP_LINE.exec(cleanVerlLine(line));
  if (!m) return undefined;
  const metrics: VerlMetrics = {};
  for (const item of m[2]!.split(" - ")) {
    const colon = item.lastIndexOf(":");
    if (colon <= 0) continue;
    const value = parseMetricValue(item.slice(colon + 1));
    if (value !== undefined) metrics[item.slice(0, colon).trim()] = value;
  }
  return { step: Number(m[1]), metrics };
}

const isValidationMetric = (key: string) => key.startsWith("val-") || key.startsWith("val/");

function onlyValidation(metrics: VerlMetrics): boolean {
  const keys = Object.keys(metrics).filter((k) => !k.startsWith("training/"));
  return keys.length > 0 && keys.every(isValidationMetric);
}

export interface VerlProgressParser {
  /** One console line (stdout or stderr, with or without a trailing newline; `\r` tqdm updates are split). */
  push(line: string): VerlEvent[];
  readonly total: number | undefined;
  readonly lastStep: number | undefined;
}

export function createVerlProgressParser(options: { total?: number } = {}): VerlProgressParser {
  let total = options.total;
  let lastStep: number | undefined;
  const parseOne = (raw: string): VerlEvent | undefined => {
    const line = cleanVerlLine(raw);
    const step = parseVerlStepLine(line);
    if (step) {
      const validationOnly = step.step === 0 || onlyValidation(step.metrics);
      if (!validationOnly) lastStep = Math.max(lastStep ?? 0, step.step);
      return { kind: "progress", step: step.step, ...(total !== undefined ? { total } : {}), metrics: step.metrics, validationOnly };
    }
    let m = /Total training steps: (\d+)/.exec(line);
    if (m) {
      total = Number(m[1]);
      return { kind: "total", total };
    }
    m = /local_global_step_folder: (\S*global_step_(\d+))/.exec(line);
    if (m) return { kind: "checkpoint", step: Number(m[2]), path: m[1]! };
    m = /Setting global step to (\d+)/.exec(line);
    if (m) return { kind: "resumed", step: Number(m[1]) };
    return undefined;
  };
  return {
    push(line) {
      const events: VerlEvent[] = [];
      for (const part of line.split(/\r\n?|\n/)) {
        const event = part ? parseOne(part) : undefined;
        if (event) events.push(event);
      }
      return events;
    },
    get total() {
      return total;
    },
    get lastStep() {
      return lastStep;
    },
  };
}

/** verl's step count: full batches per epoch (the last partial batch is dropped) × epochs. */
export function verlTotalSteps(rowsAfterFilter: number, trainBatchSize: number, totalEpochs: number, totalTrainingSteps?: number): number {
  if (totalTrainingSteps !== undefined && totalTrainingSteps > 0) return totalTrainingSteps;
  return Math.floor(rowsAfterFilter / trainBatchSize) * totalEpochs;
}

// Python's json.dumps writes NaN / Infinity, which JSON.parse refuses.
const NON_FINITE = /([:[,]\s*)(NaN|-?Infinity)(?=\s*[,}\]])/g;

/** One line of verl's file logger: {"step": N, "data": {...}}. */
export function parseVerlFileLogLine(line: string): { step: number; metrics: VerlMetrics } | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line.replace(NON_FINITE, '$1"$2"'));
  } catch {
    return undefined;
  }
  const { step, data } = (record ?? {}) as { step?: unknown; data?: unknown };
  if (typeof step !== "number" || data === null || typeof data !== "object") return undefined;
  const metrics: VerlMetrics = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value === "number") metrics[key] = value;
    else if (typeof value === "boolean") metrics[key] = value ? 1 : 0;
    else if (value === "NaN") metrics[key] = Number.NaN;
    else if (value === "Infinity" || value === "-Infinity") metrics[key] = value === "Infinity" ? Infinity : -Infinity;
  }
  return { step, metrics };
}

/** Reads verl's file-logger JSONL (VERL_FILE_LOGGER_PATH) incrementally by byte offset. */
export class VerlFileLogReader {
  private readonly lines: LineReader;
  private consumed: number;

  constructor(
    readonly file: string,
    private total?: number,
    startAt = 0,
  ) {
    this.lines = new LineReader(file, startAt);
    this.consumed = startAt;
  }

  /**
   * Byte offset after the last complete line (a half-written record is not counted), to persist: a new reader
   * started there continues without re-reading or losing anything. verl writes `\n` line ends.
   */
  get position(): number {
    return this.consumed;
  }

  setTotal(total: number): void {
    this.total = total;
  }

  async poll(onEvent: (event: Extract<VerlEvent, { kind: "progress" }>) => void): Promise<number> {
    return this.lines.poll((line) => {
      this.consumed += Buffer.byteLength(line) + 1;
      const parsed = line.trim() ? parseVerlFileLogLine(line) : undefined;
      if (!parsed) return;
      const validationOnly = parsed.step === 0 || onlyValidation(parsed.metrics);
      onEvent({ kind: "progress", step: parsed.step, ...(this.total !== undefined ? { total: this.total } : {}), metrics: parsed.metrics, validationOnly });
    });
  }
}
