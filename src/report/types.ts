// What a report is built from. Filled by the pipeline from the run's logs and eval results.

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
  /** Percentages 0-100 like the paper (EvalScope fractions must be multiplied by 100 first). */
  evalScores: BenchmarkScores;
  /** The scoring rules' version that produced the CFLUE/FinQA/CCC scores (scores.json `scoring_version`). */
  scoringVersion?: number;
  sftLoss: readonly SftLossPoint[];
  grpo: readonly GrpoPoint[];
  meta: ReportMeta;
}

export interface BuiltReport {
  markdown: string;
  html: string;
}
