// Gathers a run's report input from its workdir: eval scores, the SFT loss curve, GRPO curves (when a JSONL metrics
// file exists), and the git sha from manifest.json. Everything but the experiment itself is optional: a report of a
// run that has only trained shows the curves, one that has only evaluated shows the table.
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Experiment } from "../config/schema.js";
import { readState, type RunState } from "../pipeline/state.js";
import { BENCHMARKS, type BenchmarkScores, type GrpoPoint, type ReportInput, type SftLossPoint } from "../report/index.js";
import { LossCurve, TrainerLogReader } from "../tools/llamafactory/progress.js";
import { EVAL_FILES } from "./evaluate.js";
import { fsExtra } from "../util/fsx.js";

/** verl's metric names for the two GRPO curves (the `file` logger writes {"step", "data": {...}} per line). */
const GRPO_SCORE_KEYS = ["critic/score/mean", "critic/rewards/mean"];
const GRPO_LENGTH_KEYS = ["response_length/mean"];
/** How deep under <workdir>/grpo to look for metrics JSONL (checkpoint folders are skipped). */
const GRPO_SEARCH_DEPTH = 3;

export interface CollectedReport {
  input: ReportInput;
  /** Where each part came from (or why it is missing), for the command's output. */
  sources: Record<string, string>;
}

export async function collectReportInput(config: Experiment): Promise<CollectedReport> {
  const workdir = config.workdir;
  const state = await readState(workdir, config.name);
  const sources: Record<string, string> = {};

  const scoresFile = state.stages.eval?.outputs?.scores ?? join(workdir, "eval", "output", EVAL_FILES.scores);
  const evalScores = await readScores(scoresFile);
  sources.eval = evalScores ? scoresFile : `no scores (${scoresFile} missing)`;

  const trainerLog = join(workdir, "sft", "output", "trainer_log.jsonl");
  const sftLoss = await readSftLoss(trainerLog);
  sources.sft = sftLoss.length ? trainerLog : `no SFT loss (${trainerLog} missing or empty)`;

  const grpo = await readGrpoCurves(join(workdir, "grpo"));
  sources.grpo = grpo.file ?? "no GRPO metrics JSONL under grpo/";

  const manifest = await readJson<{ git?: { sha: string; dirty: boolean } | null; writtenAt?: string }>(join(workdir, "manifest.json"));
  const git = manifest?.git;
  const input: ReportInput = {
    experiment: config.name,
    modelSize: modelSize(config.model.base),
    evalScores: evalScores ?? {},
    sftLoss,
    grpo: grpo.points,
    meta: {
      gitSha: git ? `${git.sha}${git.dirty ? " (dirty)" : ""}` : "unknown",
      created: firstStart(state) ?? manifest?.writtenAt ?? "unknown",
      configSummary: configSummary(config, state, await readJson<EvalSummaryFile>(join(dirname(scoresFile), EVAL_FILES.summary))),
    },
  };
  return { input, sources };
}

/** "Qwen/Qwen2.5-7B-Instruct" → "7b"; a name without a size → "unknown" (compared with both paper models). */
export function modelSize(base: string): string {
  const m = /(?:^|[-_/])(\d+(?:\.\d+)?)b(?:$|[-_.])/i.exec(base);
  return m ? `${m[1]}b`.toLowerCase() : "unknown";
}

async function readScores(file: string): Promise<BenchmarkScores | undefined> {
  const raw = await readJson<Record<string, unknown>>(file);
  if (!raw) return undefined;
  const out: BenchmarkScores = {};
  for (const b of BENCHMARKS) if (typeof raw[b.key] === "number") out[b.key] = raw[b.key] as number;
  return out;
}

async function readSftLoss(file: string): Promise<SftLossPoint[]> {
  if (!(await isFile(file))) return [];
  const curve = new LossCurve();
  await new TrainerLogReader(file).pollAll((e) => curve.add(e));
  return curve.steps.map((step, i) => ({ step, loss: curve.losses[i]! }));
}

/** The first JSONL under grpo/ whose lines carry a step and a GRPO metric; lenient: anything else is skipped. */
export async function readGrpoCurves(dir: string): Promise<{ points: GrpoPoint[]; file?: string }> {
  for (const file of await jsonlFiles(dir, GRPO_SEARCH_DEPTH)) {
    const byStep = new Map<number, GrpoPoint>();
    const text = await readFile(file, "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof rec !== "object" || rec === null) continue;
      const step = typeof rec.step === "number" ? rec.step : undefined;
      const data = (typeof rec.data === "object" && rec.data !== null ? rec.data : rec) as Record<string, unknown>;
      if (step === undefined) continue;
      const score = firstNumber(data, GRPO_SCORE_KEYS);
      const responseLength = firstNumber(data, GRPO_LENGTH_KEYS);
      if (score === undefined && responseLength === undefined) continue;
      byStep.set(step, { step, ...(score !== undefined ? { score } : {}), ...(responseLength !== undefined ? { responseLength } : {}) });
    }
    if (byStep.size) return { points: [...byStep.values()].sort((a, b) => a.step - b.step), file };
  }
  return { points: [] };
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

function firstStart(state: RunState): string | undefined {
  const starts = Object.values(state.stages)
    .map((s) => s?.startedAt)
    .filter((s): s is string => typeof s === "string")
    .sort();
  return starts[0];
}

/** What the eval stage recorded it actually sent (summary.json). */
interface EvalSummaryFile {
  sampling?: Record<string, unknown>;
  concurrency?: number;
  replicas?: number;
}

function configSummary(config: Experiment, state: RunState, evalSummary: EvalSummaryFile | undefined): Record<string, string | number | boolean | null> {
  const summary: Record<string, string | number | boolean | null> = { model: config.model.base, template: config.model.template, launcher: config.cluster.launcher };
  for (const [name, s] of Object.entries(state.stages)) if (s) summary[`stage ${name}`] = s.status;
  const evalCfg = config.stages.eval;
  if (evalCfg) {
    // The parameters actually sent (defaults filled in) when the stage has run, else what the file says.
    const sampling = evalSummary?.sampling ?? evalCfg.sampling;
    for (const [k, v] of Object.entries(sampling)) if (typeof v === "number" || typeof v === "string") summary[`eval ${k}`] = v;
    if (evalSummary?.replicas !== undefined) summary["eval replicas"] = evalSummary.replicas;
    if (evalCfg.scoring.cflue_mode) summary["eval cflue_mode"] = evalCfg.scoring.cflue_mode;
    summary["eval finqa scoring"] = evalCfg.scoring.judge ? `judge ${evalCfg.scoring.judge.model}` : "numeric";
  }
  return summary;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return (await (await fsExtra()).readJson(file)) as T;
  } catch {
    return undefined;
  }
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}
