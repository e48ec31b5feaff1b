// The table across experiments (`compare`, and a family's report): one row per experiment with the parameters that
// differ, the five scores, averages that compare like with like, GPU-hours spent and status; the paper's rows of the
// same model sizes beneath. Rendered as terminal text, Markdown and an HTML section from one data shape.
import { averageOfAvailable, BENCHMARKS, type BenchmarkKey, type BenchmarkScores } from "./benchmarks.js";
import { escapeMarkdownCell, escapeXml } from "./escape.js";
import { formatScore, MISSING } from "./format.js";
import { PAPER_RESULTS } from "./paper-results.js";
import { PAPER_SOURCE } from "./source.js";

export interface ComparedExperiment {
  experiment: string;
  size: string;
  params: Record<string, unknown>;
  scores: BenchmarkScores;
  gpuHours: number;
  status: string;
}

export interface ComparisonRow {
  label: string;
  kind: "experiment" | "paper";
  params: Record<string, unknown>;
  scores: BenchmarkScores;
  /** Over all five, only for a row that has all five. */
  average?: number;
  /** Over the benchmarks every experiment has, when that is not all five (like for like). */
  commonAverage?: number;
  gpuHours?: number;
  status?: string;
}

export interface Comparison {
  paramKeys: string[];
  /** The benchmarks every experiment has scores for; undefined when all have all five. */
  common?: BenchmarkKey[];
  rows: ComparisonRow[];
}

export function buildComparison(experiments: readonly ComparedExperiment[], options: { paper?: boolean } = {}): Comparison {
  const paramKeys = [...new Set(experiments.flatMap((e) => Object.keys(e.params)))];
  const have = BENCHMARKS.map((b) => b.key).filter((k) => experiments.length > 0 && experiments.every((e) => e.scores[k] !== undefined));
  // Like for like: the benchmarks every experiment has, when that is some but not all five.
  const common = have.length > 0 && have.length < BENCHMARKS.length ? have : undefined;
  const averages = (scores: BenchmarkScores) => {
    const all = BENCHMARKS.every((b) => scores[b.key] !== undefined) ? averageOfAvailable(scores) : undefined;
    const over = common?.length ? averageOfAvailable(Object.fromEntries(common.map((k) => [k, scores[k]]))) : undefined;
    return { ...(all !== undefined ? { average: all } : {}), ...(over !== undefined ? { commonAverage: over } : {}) };
  };
  const rows: ComparisonRow[] = experiments.map((e) => ({
    label: e.experiment,
    kind: "experiment",
    params: e.params,
    scores: e.scores,
    ...averages(e.scores),
    gpuHours: e.gpuHours,
    status: e.status,
  }));
  if (options.paper) {
    const sizes = new Set(experiments.map((e) => e.size));
    for (const r of PAPER_RESULTS.filter((p) => p.size && sizes.has(p.size)))
      rows.push({ label: `${r.model} (paper)`, kind: "paper", params: {}, scores: r.scores, ...averages(r.scores), average: r.average });
  }
  return { paramKeys, ...(common ? { common } : {}), rows };
}

/** A parameter's value as written in a config: 1e-6, not 0.000001. */
function shown(v: unknown): string {
  if (v === undefined) return MISSING;
  if (typeof v === "number") return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
  return typeof v === "string" ? v : JSON.stringify(v);
}
/** GPU-hours to one decimal; two significant digits under 0.1, so a short run does not read as 0. */
export const formatHours = (n: number) => (n > 0 && n < 0.1 ? n.toPrecision(2) : (Math.round(n * 10) / 10).toString());
const hours = (n: number | undefined) => (n === undefined ? "" : formatHours(n));

function headers(c: Comparison): string[] {
  const commonLabel = c.common
    ? [`Avg (${c.common.length ? c.common.map((k) => BENCHMARKS.find((b) => b.key === k)!.label).join(", ") : "none in common"})`]
    : [];
  return ["Experiment", ...c.paramKeys, ...BENCHMARKS.map((b) => b.label), "Avg", ...commonLabel, "GPU-hours", "Status"];
}

function cells(c: Comparison, r: ComparisonRow): string[] {
  return [
    r.label,
    ...c.paramKeys.map((k) => (r.kind === "paper" ? "" : shown(r.params[k]))),
    ...BENCHMARKS.map((b) => formatScore(r.scores[b.key])),
    formatScore(r.average),
    ...(c.common ? [formatScore(r.commonAverage)] : []),
    hours(r.gpuHours),
    r.status ?? "",
  ];
}

export function comparisonText(c: Comparison): string {
  const table = [headers(c), ...c.rows.map((r) => cells(c, r))];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return `${table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n${note(c)}\n`;
}

function note(c: Comparison): string {
  const partial = c.rows.some((r) => r.kind === "experiment" && BENCHMARKS.some((b) => r.scores[b.key] === undefined));
  const common = c.common
    ? ` Not every experiment has all five benchmarks: "Avg" is shown only for rows with all five, and every row is also averaged over the ${c.common.length} all experiments have, to compare like with like.`
    : partial
      ? ` "Avg" is shown only for rows with all five benchmarks.`
      : "";
  return `Scores in %.${common} GPU-hours: each stage's recorded attempts × the GPUs it held.`;
}

export function comparisonMarkdown(c: Comparison): string {
  const lines = [
    `| ${headers(c).map(escapeMarkdownCell).join(" | ")} |`,
    `|${headers(c)
      .map((_, i) => (i === 0 ? "---" : "---:"))
      .join("|")}|`,
  ];
  for (const r of c.rows) lines.push(`| ${cells(c, r).map(escapeMarkdownCell).join(" | ")} |`);
  return `${lines.join("\n")}\n\n${note(c)}${c.rows.some((r) => r.kind === "paper") ? ` Paper rows: ${PAPER_SOURCE}.` : ""}\n`;
}

export function comparisonHtml(c: Comparison): string {
  const head = headers(c)
    .map((h) => `<th>${escapeXml(h)}</th>`)
    .join("");
  const body = c.rows.map(
    (r) =>
      `<tr class="${r.kind}">${cells(c, r)
        .map((v, i) => (i === 0 ? `<th>${escapeXml(v)}</th>` : `<td>${escapeXml(v)}</td>`))
        .join("")}</tr>`,
  );
  const source = c.rows.some((r) => r.kind === "paper") ? ` Paper rows: ${escapeXml(PAPER_SOURCE)}.` : "";
  return `<section id="comparison"><h2>Comparison</h2><table><thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody></table><p>${escapeXml(note(c))}${source}</p></section>`;
}
