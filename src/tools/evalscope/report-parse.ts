// Reads a score from one EvalScope report JSON. Three layouts exist:
//   v0 (0.x dataclass) and v1 (1.0-1.10 pydantic): top-level "score" = metrics[0].score, a fraction;
//   v2 (after 1.10, schema_version 2): no top-level score; metrics carry "identity" and the report names the
//   primary one in "primary_metric_identity".

export type EvalscopeReportLayout = "v0" | "v1" | "v2";

export interface ParsedEvalscopeReport {
  /** Fraction 0-1 as EvalScope reports it. */
  score: number;
  /** The same score in percent, comparable with the paper's table. */
  percent: number;
  metric: string | undefined;
  num: number | undefined;
  dataset: string | undefined;
  layout: EvalscopeReportLayout;
}

interface RawMetric {
  name?: unknown;
  identity?: unknown;
  score?: unknown;
  num?: unknown;
}

export class EvalscopeReportError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "EvalscopeReportError";
  }
}

export function parseEvalscopeReport(json: unknown, file = "report"): ParsedEvalscopeReport {
  if (!isObject(json)) throw new EvalscopeReportError(file, "not a JSON object");
  const metrics = Array.isArray(json.metrics) ? (json.metrics.filter(isObject) as RawMetric[]) : [];
  const layout: EvalscopeReportLayout =
    typeof json.schema_version === "number" && json.schema_version >= 2 ? "v2" : "dataset_pretty_name" in json || metrics[0]?.name === "mean_acc" ? "v1" : "v0";

  const primary = pickPrimaryMetric(json, metrics);
  const score = typeof json.score === "number" ? json.score : typeof primary?.score === "number" ? primary.score : undefined;
  if (score === undefined || !Number.isFinite(score)) throw new EvalscopeReportError(file, "no score (neither a top-level score nor a metric score)");
  if (score < 0 || score > 1) throw new EvalscopeReportError(file, `score ${score} is not a fraction between 0 and 1`);
  const metric = primary && typeof primary.name === "string" ? primary.name : undefined;
  const num = typeof json.num === "number" ? json.num : typeof primary?.num === "number" ? primary.num : undefined;
  return {
    score,
    percent: Math.round(score * 100 * 1e6) / 1e6,
    metric,
    num,
    dataset: typeof json.dataset_name === "string" ? json.dataset_name : undefined,
    layout,
  };
}

function pickPrimaryMetric(report: Record<string, unknown>, metrics: RawMetric[]): RawMetric | undefined {
  const wanted = report.primary_metric_identity;
  if (wanted !== undefined) {
    const key = stableJson(wanted);
    const match =
      metrics.find((m) => m.identity !== undefined && stableJson(m.identity) === key) ?? metrics.find((m) => typeof wanted === "string" && m.name === wanted);
    if (match) return match;
  }
  return metrics[0];
}

/** JSON with sorted keys, so two identities compare equal whatever their key order. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
