// Run report: paper-style table, training curves and eval bars as Markdown + one self-contained HTML file.
export { buildReport } from "./build.js";
export { writeReport, writeAtomically, MARKDOWN_FILE_NAME, type WrittenReport } from "./write.js";
export { HTML_FILE_NAME } from "./markdown.js";
export type { ReportInput, ReportMeta, ReportSection, SeriesSection, ScoresSection, SeriesPoint, SftLossPoint, GrpoPoint, BuiltReport } from "./types.js";
export { BENCHMARKS, averageOfAvailable, type BenchmarkKey, type BenchmarkScores } from "./benchmarks.js";
export { PAPER_RESULTS, paperComparison, paperRowsForSize, paperDianjinRow, type PaperComparison, type PaperRow } from "./paper-results.js";
export { runScores, scoresSection } from "./sections.js";
export { buildResultsTable, type ResultsTable, type TableRow } from "./table.js";
export { escapeXml } from "./escape.js";
export * from "./svg/index.js";
