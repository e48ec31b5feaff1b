// Scores outside 0-100 are almost always fractions that were not converted; fail loudly instead of drawing them.

import { ConfigError, type Problem } from "../errors.js";
import { BENCHMARKS } from "./benchmarks.js";
import type { ReportInput } from "./types.js";

export function validateReportInput(input: ReportInput): void {
  const problems: Problem[] = [];
  const known = new Set<string>(BENCHMARKS.map((b) => b.key));
  for (const [key, value] of Object.entries(input.evalScores)) {
    if (!known.has(key)) problems.push({ path: `evalScores.${key}`, message: `unknown benchmark (expected one of ${[...known].join(", ")})` });
    else if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100))
      problems.push({ path: `evalScores.${key}`, message: `score must be a percentage between 0 and 100, got ${String(value)}` });
  }
  if (!input.experiment.trim()) problems.push({ path: "experiment", message: "experiment name is empty" });
  if (problems.length > 0) throw new ConfigError("report input", problems);
}
