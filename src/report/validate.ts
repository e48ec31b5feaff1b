// Scores outside 0-100 are almost always fractions that were not converted; fail loudly instead of drawing them. A
// section's id is an anchor in both files, so it must be one and unique; one set of scores is compared with the paper.

import { ConfigError, type Problem } from "../errors.js";
import { BENCHMARKS } from "./benchmarks.js";
import type { ReportInput, ScoresSection } from "./types.js";

const SECTION_ID = /^[a-z][a-z0-9-]*$/;

export function validateReportInput(input: ReportInput): void {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  input.sections.forEach((section, i) => {
    const at = `sections.${SECTION_ID.test(section.id) ? section.id : i}`;
    if (!SECTION_ID.test(section.id)) problems.push({ path: `${at}.id`, message: `"${section.id}" is not an anchor (lowercase letters, digits, dashes)` });
    else if (seen.has(section.id)) problems.push({ path: `${at}.id`, message: "another section has this id" });
    seen.add(section.id);
    if (section.kind === "scores") problems.push(...scoreProblems(section, at));
  });
  if (input.sections.filter((s) => s.kind === "scores").length > 1)
    problems.push({ path: "sections", message: "more than one scores section (the results table compares one set of scores with the paper)" });
  if (!input.experiment.trim()) problems.push({ path: "experiment", message: "experiment name is empty" });
  if (problems.length > 0) throw new ConfigError("report input", problems);
}

function scoreProblems(section: ScoresSection, at: string): Problem[] {
  const problems: Problem[] = [];
  const known = new Set<string>(BENCHMARKS.map((b) => b.key));
  for (const [key, value] of Object.entries(section.scores)) {
    if (!known.has(key)) problems.push({ path: `${at}.scores.${key}`, message: `unknown benchmark (expected one of ${[...known].join(", ")})` });
    else if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100))
      problems.push({ path: `${at}.scores.${key}`, message: `score must be a percentage between 0 and 100, got ${String(value)}` });
  }
  return problems;
}
