// What a report is built from. Filled by the pipeline from the sections each stage contributes (its curves, its
// scores); the report renders every section by its kind, so a new stage adds a section without touching report/.

import type { BenchmarkScores } from "./benchmarks.js";

export interface SftLossPoint {
  step: number;
  loss: number;
}

export interface GrpoPoint {
  step: number;
  /** Mean reward over the step's rollouts (verl's critic/score/mean). */
  score?: number;
  /** Mean response length in tokens (verl's response_length/mean). */
  responseLength?: number;
}

export interface SeriesPoint {
  x: number;
  y: number;
}

/** A curve a stage contributes (a loss, a reward, a length against step): drawn as a line chart, summed up in Markdown. */
export interface SeriesSection {
  kind: "series";
  /** The chart's anchor (HTML id, Markdown link): lowercase letters, digits and dashes, unique in the report. */
  id: string;
  /** Caption and Markdown link text, e.g. "SFT loss vs step". */
  title: string;
  /** The chart's own heading (its SVG title); the caption's title when unset. */
  chartTitle?: string;
  xLabel: string;
  yLabel: string;
  /** The curve's name in the legend. */
  name: string;
  /** How the summary calls y: "loss" → "…, loss 1.519 → 0.4776". */
  measure: string;
  points: readonly SeriesPoint[];
  color?: string;
  /** Shown in place of the curve when it has no point. */
  emptyText: string;
}

/**
 * Benchmark scores a stage contributes: the results table beside the paper's rows and a bar chart against the
 * paper's model of the run's size. A report has at most one.
 */
export interface ScoresSection {
  kind: "scores";
  id: string;
  title: string;
  chartTitle?: string;
  /** Percentages 0-100 like the paper (EvalScope fractions must be multiplied by 100 first). */
  scores: BenchmarkScores;
  /** The scoring rules' version that produced the CFLUE/FinQA/CCC scores (scores.json `scoring_version`). */
  scoringVersion?: number;
  emptyText: string;
}

export type ReportSection = SeriesSection | ScoresSection;

export interface ReportMeta {
  gitSha: string;
  /** When the run was created (ISO 8601 is best; shown as given). */
  created: string;
  /** Free text, or key/value pairs shown as a table. */
  configSummary: string | Readonly<Record<string, string | number | boolean | null>>;
}

export interface ReportInput {
  experiment: string;
  /** The paper's rows of this size are shown ("7b", "32b", also "14b", "72b" baselines); another size gets the rows of the nearest size, labelled so; "unknown" none. */
  modelSize: "7b" | "32b" | (string & {});
  /** The stages' sections in pipeline order; charts are drawn in this order (the scores' chart first in HTML). */
  sections: readonly ReportSection[];
  meta: ReportMeta;
}

export interface BuiltReport {
  markdown: string;
  html: string;
}
