// The Markdown twin of the HTML report: same table, charts described and linked into report.html.

import type { ChartSpec } from "./charts.js";
import { escapeMarkdownCell } from "./escape.js";
import { formatScore, MISSING } from "./format.js";
import { averageHeaders, averageNote, formatDelta } from "./html.js";
import { PAPER_SOURCE } from "./source.js";
import type { BenchmarkKey } from "./benchmarks.js";
import { comparisonNote, SCORING_ANCHOR, scoreRuleLabel, scoringNote } from "./scoring-note.js";
import type { ResultsTable, TableRow } from "./table.js";
import type { ReportInput } from "./types.js";
import { scoringVersionOf } from "./sections.js";

export const HTML_FILE_NAME = "report.html";

export function renderMarkdown(input: ReportInput, table: ResultsTable, charts: readonly ChartSpec[]): string {
  const lines: string[] = [];
  lines.push(`# DianJin-R1 run report: ${escapeMarkdownCell(input.experiment)}`, "");
  lines.push(`- Model size: ${escapeMarkdownCell(input.modelSize)}`);
  lines.push(`- Git commit: \`${input.meta.gitSha.replace(/`/g, "")}\``);
  lines.push(`- Created: ${escapeMarkdownCell(input.meta.created)}`, "");
  lines.push("## Evaluation", "");
  const averages = averageHeaders(table);
  lines.push(`| Model | ${[...table.columns.map((c) => c.label), ...averages].join(" | ")} |`);
  lines.push(`|---|${[...table.columns, ...averages].map(() => "---:").join("|")}|`);
  const scoringVersion = scoringVersionOf(input);
  for (const row of table.rows) lines.push(markdownRow(row, table, scoringVersion));
  lines.push("", `Scores in %. ${averageNote(table)} ${comparisonNote(table, input.modelSize)} Source: ${PAPER_SOURCE}.`, "");
  lines.push("### Scoring", "", scoringNote(scoringVersion), "");
  lines.push("## Charts", "", `The charts are drawn in [${HTML_FILE_NAME}](${HTML_FILE_NAME}):`, "");
  for (const c of charts) lines.push(`- [${c.title}](${HTML_FILE_NAME}#${c.id}): ${c.summary}`);
  lines.push("", "## Configuration", "");
  const summary = input.meta.configSummary;
  if (typeof summary === "string") lines.push("```text", summary.replace(/```/g, "'''"), "```");
  else {
    const entries = Object.entries(summary);
    if (entries.length === 0) lines.push("No configuration summary.");
    else {
      lines.push("| Key | Value |", "|---|---|");
      for (const [k, v] of entries) lines.push(`| ${escapeMarkdownCell(k)} | ${escapeMarkdownCell(v === null ? "null" : String(v))} |`);
    }
  }
  lines.push("");
  return lines.join("\n");
}

function markdownRow(row: TableRow, table: ResultsTable, scoringVersion: number | undefined): string {
  const value = (v: number | undefined) => (row.kind === "delta" ? (v === undefined ? MISSING : formatDelta(v)) : formatScore(v));
  const cells = table.columns.map((c) => {
    const v = row.scores[c.key as BenchmarkKey];
    const rule = row.kind === "run" && v !== undefined ? scoreRuleLabel(c.key as BenchmarkKey, scoringVersion) : undefined;
    return rule ? `${value(v)} [${rule}](#${SCORING_ANCHOR})` : value(v);
  });
  const avgs = [value(row.average), ...(table.subset ? [value(row.subsetAverage)] : [])];
  const label = row.kind === "run" ? `**${escapeMarkdownCell(row.label)}**` : escapeMarkdownCell(row.label);
  return `| ${label} | ${[...cells, ...avgs].join(" | ")} |`;
}
