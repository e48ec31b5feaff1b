// Re-scoring saved answers with the current scorers, without a model call: results/<benchmark>.jsonl holds every
// raw output, so a published table can be corrected when the scoring rules change. The files of the older rules are
// kept beside the new ones under their version (scores.v1.json, summary.v1.json, results/<benchmark>.v1.jsonl); the
// first file of each version is kept, a rescore never overwrites one.
import { createReadStream } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PreflightError } from "../../errors.js";
import { SCORING_VERSION, UNVERSIONED_SCORING } from "../../scoring/version.js";
import { writeJsonAtomic } from "../../util/atomic-write.js";
import { readJsonIfThere } from "../../util/fsx.js";
import { pathExists } from "../../util/path-exists.js";
import type { EvalStageConfig } from "./config.js";
import { EVAL_DEFAULTS, EVAL_FILES, type FileBenchmark } from "./engine/defaults.js";
import { readBenchmark } from "./engine/read-benchmark.js";
import { summarize, writeJsonlAtomic, type BenchmarkSummary, type ItemResult } from "./engine/results.js";
import { scoreOptions, scoreSample } from "./engine/score.js";

export interface RescoredBenchmark {
  benchmark: FileBenchmark;
  items: number;
  /** Percent before (from scores.json) and after. */
  before: number | undefined;
  after: number;
  formatBefore: number | undefined;
  formatAfter: number;
  /** Items whose score changed, and how: now right (was wrong) or now wrong (was right); partial moves count once. */
  changed: number;
  nowRight: number;
  nowWrong: number;
  /** FinQA with an LLM judge: its verdicts are kept (no model calls); only the numeric cross-check is re-scored. */
  judgeKept: boolean;
  /** The benchmark file could not be read: FinQA ran without the questions (only its decrease rule reads them). */
  questionsMissing: boolean;
}

export interface RescoreResult {
  outputDir: string;
  fromVersion: number;
  toVersion: number;
  /** Where the previous scores.json now is (undefined when a file of that version was already kept). */
  keptAs: string | undefined;
  benchmarks: RescoredBenchmark[];
  /** Benchmarks scored elsewhere (EvalScope), carried over unchanged. */
  carried: string[];
}

interface SummaryFile {
  scoring_version?: number;
  benchmarks?: BenchmarkSummary[];
  [key: string]: unknown;
}

export async function rescoreEval(outputDir: string, cfg: EvalStageConfig | undefined): Promise<RescoreResult> {
  const scoresFile = join(outputDir, EVAL_FILES.scores);
  const scores = await readJsonIfThere<Record<string, unknown>>(scoresFile);
  if (!scores) {
    throw new PreflightError("eval", [{ path: scoresFile, message: "no saved evaluation to re-score (run the eval stage first)" }]);
  }
  const fromVersion = typeof scores["scoring_version"] === "number" ? scores["scoring_version"] : UNVERSIONED_SCORING;
  const options = scoreOptions(cfg?.scoring ?? {});
  const summaryFile = join(outputDir, EVAL_FILES.summary);
  const summary = (await readJsonIfThere<SummaryFile>(summaryFile)) ?? {};
  const rescored: RescoredBenchmark[] = [];
  const summaries = new Map<string, BenchmarkSummary>();
  const newResults = new Map<FileBenchmark, ItemResult[]>();
  for (const b of EVAL_DEFAULTS.fileBenchmarks) {
    const file = join(outputDir, EVAL_FILES.results, `${b}.jsonl`);
    if (!(await pathExists(file))) continue;
    const old = await readResults(file);
    const { questions, missing } = await questionsOf(b, cfg);
    const judgeKept = old.some((r) => r.samples.some((s) => s.judge));
    const now = old.map((r) => rescoreItem(b, r, options, questions.get(r.id)));
    const before = summary.benchmarks?.find((s) => s.benchmark === b);
    const after = summarize(b, now, before?.method ?? (b === "finqa" ? (judgeKept ? "judge" : "numeric") : undefined));
    summaries.set(b, after);
    newResults.set(b, now);
    let nowRight = 0;
    let nowWrong = 0;
    now.forEach((r, i) => {
      if (r.score > old[i]!.score) nowRight++;
      else if (r.score < old[i]!.score) nowWrong++;
    });
    rescored.push({
      benchmark: b,
      items: now.length,
      before: typeof scores[b] === "number" ? scores[b] : undefined,
      after: after.percent,
      formatBefore: before?.formatPercent,
      formatAfter: after.formatPercent,
      changed: nowRight + nowWrong,
      nowRight,
      nowWrong,
      judgeKept,
      questionsMissing: b === "finqa" && missing,
    });
  }
  if (rescored.length === 0) {
    throw new PreflightError("eval", [
      { path: join(outputDir, EVAL_FILES.results), message: "no saved results/<benchmark>.jsonl to re-score (only the financial benchmarks are re-scored)" },
    ]);
  }

  // Keep the old files under their version first, then write the new ones (each write is atomic).
  const keep = async (path: string, kept: string) => ((await pathExists(kept)) ? undefined : (await rename(path, kept), kept));
  const keptAs = await keep(scoresFile, join(outputDir, `scores.v${fromVersion}.json`));
  if (await pathExists(summaryFile)) await keep(summaryFile, join(outputDir, `summary.v${fromVersion}.json`));
  for (const [b, results] of newResults) {
    const file = join(outputDir, EVAL_FILES.results, `${b}.jsonl`);
    await keep(file, join(outputDir, EVAL_FILES.results, `${b}.v${fromVersion}.jsonl`));
    await writeJsonlAtomic(file, results);
  }
  const newScores: Record<string, unknown> = { ...scores, scoring_version: SCORING_VERSION };
  for (const r of rescored) newScores[r.benchmark] = r.after;
  await writeJsonAtomic(summaryFile, {
    ...summary,
    scoring_version: SCORING_VERSION,
    benchmarks: (summary.benchmarks ?? [...summaries.values()]).map((s) => summaries.get(s.benchmark) ?? s),
  });
  await writeJsonAtomic(scoresFile, newScores);
  const carried = Object.keys(scores).filter((k) => k !== "scoring_version" && !rescored.some((r) => r.benchmark === k));
  return { outputDir, fromVersion, toVersion: SCORING_VERSION, keptAs, benchmarks: rescored, carried };
}

function rescoreItem(b: FileBenchmark, r: ItemResult, options: ReturnType<typeof scoreOptions>, question: string | undefined): ItemResult {
  const samples = r.samples.map((s) => {
    const now = scoreSample(b, s.output, r.gold, options, s.reasoning, question);
    if (!s.judge) return { ...s, ...now };
    // The judge decided; its verdict stays. The numeric rules are the cross-check recorded beside it.
    return { ...s, ...now, correct: s.judge.verdict === 1, judge: { ...s.judge, numericCorrect: now.correct } };
  });
  const score = samples.length ? samples.filter((s) => s.correct).length / samples.length : 0;
  return { ...r, samples, score };
}

async function readResults(file: string): Promise<ItemResult[]> {
  const out: ItemResult[] = [];
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as ItemResult);
    } catch {
      throw new PreflightError("eval", [{ path: `${file}:${n}`, message: "not a JSON line of eval results" }]);
    }
  }
  return out;
}

/** The questions by item id (FinQA's decrease rule reads them), from the benchmark file when it is still there. */
async function questionsOf(b: FileBenchmark, cfg: EvalStageConfig | undefined): Promise<{ questions: Map<string, string>; missing: boolean }> {
  const spec = cfg?.benchmarks[b];
  const questions = new Map<string, string>();
  if (b !== "finqa" || !spec) return { questions, missing: b === "finqa" };
  try {
    for (const item of await readBenchmark(b, spec.path, { limit: spec.limit })) if (item.question) questions.set(item.id, item.question);
    return { questions, missing: false };
  } catch {
    return { questions, missing: true };
  }
}
