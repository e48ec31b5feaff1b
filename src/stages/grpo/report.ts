// GRPO's part of the run report: score and response-length curves from the first metrics JSONL under the stage's
// folder (verl's `file` logger writes {"step", "data": {...}} per line). Lenient: anything else is skipped.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ReportPart, ReportSource } from "../../contract/stage.js";
import type { GrpoPoint, SeriesSection } from "../../report/types.js";

/** verl's metric names for the two GRPO curves. */
const GRPO_SCORE_KEYS = ["critic/score/mean", "critic/rewards/mean"];
const GRPO_LENGTH_KEYS = ["response_length/mean"];
/** How deep under the stage's folder to look for metrics JSONL (checkpoint folders are skipped). */
const GRPO_SEARCH_DEPTH = 3;

export async function grpoReport({ paths }: ReportSource): Promise<ReportPart> {
  const grpo = await readGrpoCurves(paths.root);
  return { sections: grpoSections(grpo.points), sources: { grpo: grpo.file ?? "no GRPO metrics JSONL under grpo/" } };
}

/** GRPO's two curves: mean reward and mean response length against step. */
export function grpoSections(points: readonly GrpoPoint[]): SeriesSection[] {
  const curve = (key: "score" | "responseLength") => points.filter((p) => p[key] !== undefined).map((p) => ({ x: p.step, y: p[key]! }));
  return [
    {
      kind: "series",
      id: "grpo-score",
      title: "GRPO mean score vs step",
      chartTitle: "GRPO mean reward",
      xLabel: "step",
      yLabel: "mean score",
      name: "score",
      measure: "mean score",
      points: curve("score"),
      color: "#059669",
      emptyText: "No GRPO score logged",
    },
    {
      kind: "series",
      id: "grpo-response-length",
      title: "GRPO response length vs step",
      chartTitle: "GRPO mean response length",
      xLabel: "step",
      yLabel: "tokens",
      name: "response length",
      measure: "mean length",
      points: curve("responseLength"),
      color: "#ea580c",
      emptyText: "No response length logged",
    },
  ];
}

/** The first JSONL under `dir` whose lines carry a step and a GRPO metric. */
export async function readGrpoCurves(dir: string): Promise<{ points: GrpoPoint[]; file?: string }> {
  for (const file of await jsonlFiles(dir, GRPO_SEARCH_DEPTH)) {
    const byStep = new Map<number, GrpoPoint>();
    const text = await readFile(file, "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      const point = grpoPoint(line);
      if (point) byStep.set(point.step, point);
    }
    if (byStep.size) return { points: [...byStep.values()].sort((a, b) => a.step - b.step), file };
  }
  return { points: [] };
}

function grpoPoint(line: string): GrpoPoint | undefined {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof rec !== "object" || rec === null) return undefined;
  const r = rec as Record<string, unknown>;
  const step = typeof r.step === "number" ? r.step : undefined;
  const data = (typeof r.data === "object" && r.data !== null ? r.data : r) as Record<string, unknown>;
  if (step === undefined) return undefined;
  const score = firstNumber(data, GRPO_SCORE_KEYS);
  const responseLength = firstNumber(data, GRPO_LENGTH_KEYS);
  if (score === undefined && responseLength === undefined) return undefined;
  return { step, ...(score !== undefined ? { score } : {}), ...(responseLength !== undefined ? { responseLength } : {}) };
}

async function jsonlFiles(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".jsonl")) files.push(path);
    else if (e.isDirectory() && depth > 0 && !/^(global_step_|checkpoint-|set-aside)/.test(e.name)) files.push(...(await jsonlFiles(path, depth - 1)));
  }
  return files;
}

function firstNumber(data: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const k of keys) if (typeof data[k] === "number" && Number.isFinite(data[k])) return data[k] as number;
  return undefined;
}
