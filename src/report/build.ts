// Builds the run report (Markdown + self-contained HTML) from a run's scores and training curves.

import { buildCharts } from "./charts.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { buildResultsTable } from "./table.js";
import type { BuiltReport, ReportInput } from "./types.js";
import { validateReportInput } from "./validate.js";

export function buildReport(input: ReportInput): BuiltReport {
  validateReportInput(input);
  const table = buildResultsTable(input);
  const charts = buildCharts(input);
  return { markdown: renderMarkdown(input, table, charts), html: renderHtml(input, table, charts) };
}
