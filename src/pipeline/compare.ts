// The rows of `compare`: per experiment, the parameters that differ between the experiments compared (from their
// resolved configs), the five benchmark scores (eval's scores.json, read as the report reads it), GPU-hours spent
// (each stage's recorded duration × its GPUs) and a status.
import { join } from "node:path";
import { experimentSchema, type Experiment } from "../config/schema.js";
import { isPlainObject } from "../config/merge.js";
import { UsageError } from "../errors.js";
import type { BenchmarkScores } from "../report/benchmarks.js";
import { runScores } from "../report/sections.js";
import { enabledStages } from "../stages/registry.js";
import { readJsonIfThere } from "../util/fsx.js";
import { LineReader } from "../util/line-reader.js";
import { EVENT_LOG_FILE } from "./log-level.js";
import { collectReportInput, modelSize } from "./report-input.js";
import { readState, type RunState } from "./state.js";
import { relativeToWorkdir } from "./workdir-paths.js";

export interface CompareRow {
  experiment: string;
  workdir: string;
  model: string;
  /** "7b", "32b", "unknown": which paper rows it stands beside. */
  size: string;
  /** Dotted key → value, only the keys whose values differ between the experiments compared. */
  params: Record<string, unknown>;
  scores: BenchmarkScores;
  gpuHours: number;
  status: string;
}

/** Keys every experiment has its own value of, which say nothing about how it differs. */
const IGNORED = [/^name$/, /^workdir$/, /^store$/, /^tracking\.run_name$/];

function flatten(value: unknown, prefix: string, out: Record<string, string>): Record<string, string> {
  if (isPlainObject(value) && Object.keys(value).length) for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else if (prefix && !IGNORED.some((re) => re.test(prefix))) out[prefix] = JSON.stringify(value);
  return out;
}

/** The dotted keys whose values differ (or are missing in some), with each experiment's value. */
export function differingParams(configs: readonly Experiment[]): Array<Record<string, unknown>> {
  const flat = configs.map((c) => flatten(relativeToWorkdir(c, c.workdir), "", {}));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  const differing = keys.filter((k) => new Set(flat.map((f) => f[k])).size > 1);
  return flat.map((f) => Object.fromEntries(differing.map((k) => [k, f[k] === undefined ? undefined : (JSON.parse(f[k]) as unknown)])));
}

/**
 * Hours of GPU time the stages took, times the GPUs each held: every attempt the run log recorded an end of
 * (events.jsonl `stage-end`, failed and interrupted ones too), else the last attempt's start to end in state.json.
 */
export async function gpuHoursSpent(config: Experiment, state: RunState): Promise<number> {
  const logged = await loggedSeconds(config.workdir);
  let hours = 0;
  for (const [name, s] of Object.entries(state.stages)) {
    const recorded = s?.startedAt && s.endedAt ? (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000 : 0;
    const seconds = logged.get(name) ?? recorded;
    if (Number.isFinite(seconds) && seconds > 0) hours += (seconds / 3600) * stageGpus(config, name);
  }
  return hours;
}

/** Seconds per stage summed over the attempts the run log saw end. */
async function loggedSeconds(workdir: string): Promise<Map<string, number>> {
  const seconds = new Map<string, number>();
  const add = (line: string) => {
    if (!line.includes('"stage-end"')) return;
    try {
      const record = JSON.parse(line) as { event?: string; stage?: string; seconds?: number };
      if (record.event === "stage-end" && record.stage && typeof record.seconds === "number")
        seconds.set(record.stage, (seconds.get(record.stage) ?? 0) + record.seconds);
    } catch {
      // a line cut by a crash mid-write
    }
  };
  // No run log (a workdir from before it existed) reads as no line.
  const reader = new LineReader(join(workdir, EVENT_LOG_FILE));
  await reader.poll(add);
  reader.flush(add);
  return seconds;
}

function stageGpus(config: Experiment, stage: string): number {
  if (stage === "deploy") {
    const d = config.stages.deploy;
    return d ? d.tensor_parallel_size * d.replicas : 0;
  }
  // Data preparation, merging and evaluation run on CPUs (eval's model is the deploy stage's).
  if (stage === "data" || stage === "merge" || stage === "eval") return 0;
  return config.cluster.nodes * config.cluster.gpus_per_node;
}

export function overallStatus(config: Experiment, state: RunState): string {
  const stages = enabledStages(config).map((s) => state.stages[s.name]);
  const statuses = stages.map((s) => s?.status);
  for (const wanted of ["running", "failed", "interrupted"] as const) if (statuses.includes(wanted)) return wanted;
  const done = statuses.filter((s) => s === "completed").length;
  if (done === stages.length) return "completed";
  return done === 0 && !statuses.some(Boolean) ? "not run" : `${done}/${stages.length} stages completed`;
}

export async function compareRow(config: Experiment, params: Record<string, unknown>): Promise<CompareRow> {
  const state = await readState(config.workdir, config.name);
  const { input } = await collectReportInput(config);
  return {
    experiment: config.name,
    workdir: config.workdir,
    model: config.model.base,
    size: modelSize(config.model.base),
    params,
    scores: runScores(input),
    gpuHours: await gpuHoursSpent(config, state),
    status: overallStatus(config, state),
  };
}

/** An experiment read back from a workdir's manifest.json (the resolved config `run` recorded). */
export async function experimentFromWorkdir(workdir: string): Promise<Experiment> {
  const manifest = await readJsonIfThere<{ config?: unknown }>(join(workdir, "manifest.json"));
  if (!manifest?.config) throw new UsageError(`${workdir} has no manifest.json with a config: not a workdir a run has written (or give the experiment file)`);
  const parsed = experimentSchema.safeParse({ ...(manifest.config as Record<string, unknown>), workdir });
  if (!parsed.success) throw new UsageError(`${workdir}/manifest.json: its config does not read as an experiment (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

export async function compareRows(configs: readonly Experiment[]): Promise<CompareRow[]> {
  const params = differingParams(configs);
  const rows = [];
  for (const [i, config] of configs.entries()) rows.push(await compareRow(config, params[i]!));
  return rows;
}
