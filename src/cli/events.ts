// `logs <config> --events [--stage S] [-f] [--json]`: the run log (<workdir>/events.jsonl), as readable lines or as is.
import { oneExperiment } from "./options.js";
import { join } from "node:path";
import { loadExperiment } from "../config/load.js";
import { UsageError } from "../errors.js";
import { EVENT_LOG_FILE } from "../pipeline/log-level.js";
import { LineReader } from "../util/line-reader.js";
import { pathExists } from "../util/path-exists.js";

const LEVEL_NAMES: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };
const SHOWN_ELSEWHERE = new Set(["level", "time", "msg", "run", "stage", "event", "pid", "hostname"]);

/** For reading, not for re-parsing (`--json` keeps the exact values): 6.3815294 → 6.382, 9.250000000000001e-6 → 0.00000925. */
export function displayNumber(x: number): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  return String(Math.abs(x) >= 1 ? Math.round(x * 1000) / 1000 : Number(x.toPrecision(4)));
}

function flatten(value: unknown, prefix: string, out: string[]): void {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof value === "number") out.push(`${prefix}=${displayNumber(value)}`);
  else out.push(`${prefix}=${typeof value === "string" && !/\s/.test(value) ? value : JSON.stringify(value)}`);
}

/** `2026-12-02T03:05:01.123Z info  sft  progress  step=3 total=40 metrics.loss=0.5`. */
export function formatEventLine(record: Record<string, unknown>): string {
  const time = typeof record.time === "number" ? new Date(record.time).toISOString() : "?";
  const level = (LEVEL_NAMES[record.level as number] ?? String(record.level)).padEnd(5);
  const fields: string[] = [];
  for (const [k, v] of Object.entries(record)) if (!SHOWN_ELSEWHERE.has(k)) flatten(v, k, fields);
  return `${time} ${level} ${String(record.stage ?? "-").padEnd(6)} ${record.msg ?? ""}${fields.length ? `  ${fields.join(" ")}` : ""}`;
}

export async function eventsCommand(config: string, options: { set: string[]; stage?: string; follow?: boolean; json?: boolean }): Promise<number> {
  const { config: experiment } = await loadExperiment(config, oneExperiment(options));
  const file = join(experiment.workdir, EVENT_LOG_FILE);
  if (!options.follow && !(await pathExists(file))) throw new UsageError(`no run log yet (${file}): nothing has run in this workdir`);
  const print = (line: string) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // a line cut by a crash mid-write
    }
    if (options.stage && record.stage !== options.stage) return;
    process.stdout.write(`${options.json ? line : formatEventLine(record)}\n`);
  };
  const reader = new LineReader(file);
  await reader.poll(print);
  while (options.follow) {
    await new Promise((r) => setTimeout(r, 500));
    await reader.poll(print);
  }
  return 0;
}
