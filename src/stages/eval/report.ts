// Evaluation's part of the run report: the scores, and the sampling parameters actually sent (summary.json, with
// defaults filled in) or else what the experiment says.
import { dirname, join } from "node:path";
import type { ReportPart, ReportSource } from "../../contract/stage.js";
import { BENCHMARKS, type BenchmarkScores } from "../../report/benchmarks.js";
import type { ScoresSection } from "../../report/types.js";
import { readJsonIfThere } from "../../util/fsx.js";
import type { EvalStageConfig } from "./config.js";
import { EVAL_FILES } from "./engine/defaults.js";
import { UNVERSIONED_SCORING } from "../../scoring/version.js";

/** What the eval stage recorded it actually sent (summary.json). */
interface EvalSummaryFile {
  sampling?: Record<string, unknown>;
  concurrency?: number;
  replicas?: number;
}

export async function evalReport({ paths, config, recorded }: ReportSource): Promise<ReportPart> {
  const scoresFile = recorded?.scores ?? join(paths.output, EVAL_FILES.scores);
  const raw = await readJsonIfThere<Record<string, unknown>>(scoresFile);
  const evalScores = raw ? readScores(raw) : undefined;
  const version = raw?.["scoring_version"];
  const scoringVersion = typeof version === "number" ? version : UNVERSIONED_SCORING;
  const summary = evalSummary(
    config.stages.eval as EvalStageConfig | undefined,
    await readJsonIfThere<EvalSummaryFile>(join(dirname(scoresFile), EVAL_FILES.summary)),
  );
  return {
    sections: [evalScoresSection(evalScores ?? {}, evalScores ? scoringVersion : undefined)],
    summary: evalScores ? { ...summary, "eval scoring_version": scoringVersion } : summary,
    sources: { eval: evalScores ? scoresFile : `no scores (${scoresFile} missing)` },
  };
}

/** The evaluation's scores as the report's section: the results table beside the paper and its bar chart. */
export function evalScoresSection(scores: BenchmarkScores, scoringVersion: number | undefined): ScoresSection {
  return {
    kind: "scores",
    id: "eval-bars",
    title: "Evaluation scores vs paper",
    chartTitle: "Evaluation scores (%)",
    scores,
    ...(scoringVersion !== undefined ? { scoringVersion } : {}),
    emptyText: "No evaluation scores yet",
  };
}

function readScores(raw: Record<string, unknown>): BenchmarkScores {
  const out: BenchmarkScores = {};
  for (const b of BENCHMARKS) if (typeof raw[b.key] === "number") out[b.key] = raw[b.key] as number;
  return out;
}

function evalSummary(evalCfg: EvalStageConfig | undefined, sent: EvalSummaryFile | undefined): Record<string, string | number | boolean | null> {
  const summary: Record<string, string | number | boolean | null> = {};
  if (!evalCfg) return summary;
  // The parameters actually sent (defaults filled in) when the stage has run, else what the file says.
  const sampling = sent?.sampling ?? evalCfg.sampling;
  for (const [k, v] of Object.entries(sampling)) if (typeof v === "number" || typeof v === "string") summary[`eval ${k}`] = v;
  if (sent?.replicas !== undefined) summary["eval replicas"] = sent.replicas;
  if (evalCfg.scoring.cflue_mode) summary["eval cflue_mode"] = evalCfg.scoring.cflue_mode;
  summary["eval finqa scoring"] = evalCfg.scoring.judge ? `judge ${evalCfg.scoring.judge.model}` : "numeric";
  return summary;
}
