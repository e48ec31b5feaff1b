// The resources of the planned GPU stages as a small text table for `plan`.
import type { StageResources } from "./types.js";

/** One decimal at most, thousands separated; by hand, because the first toLocaleString loads ICU data (~25 ms of plan). */
function fmt(n: number | null | undefined, unit = ""): string {
  if (n === null || n === undefined) return "?";
  const [whole, fraction] = String(Math.round(n * 10) / 10).split(".");
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction ? `.${fraction}` : ""}${unit}`;
}

const FIT_SHOWN: Record<StageResources["fit"], string> = { fits: "yes", tight: "maybe", "cannot-fit": "NO" };

export function resourcesTable(rows: Array<{ stage: string; resources: StageResources }>): string {
  if (!rows.length) return "";
  const header = ["stage", "GPUs", "per GPU (GB)", "lower (GB)", "limit (GB)", "fits", "GPU-hours", "wall hours", "cost"];
  const body = rows.map(({ stage, resources: r }) => [
    stage,
    `${r.gpus} × ${r.gpu_type}`,
    fmt(r.per_gpu_gb.total),
    fmt(r.lower_gb.total),
    fmt(r.limit_gb),
    FIT_SHOWN[r.fit],
    fmt(r.gpu_hours),
    fmt(r.wall_hours),
    r.cost === undefined ? "-" : fmt(r.cost),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join("  ")}`.trimEnd();
  const lines = ['resources (estimates; error bars in README "Resources"):', line(header)];
  for (const [i, row] of body.entries()) {
    lines.push(line(row));
    const r = rows[i]!.resources;
    lines.push(
      `    parts: ${Object.entries(r.per_gpu_gb.parts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}${r.host_ram_gb ? `; host RAM per node ${r.host_ram_gb} GB` : ""}`,
    );
    for (const note of r.notes) lines.push(`    ${note}`);
    for (const fix of r.fixes ?? []) lines.push(`    fix: ${fix.change} → ${fix.total_gb} GB (${fix.tradeoff})`);
  }
  return `${lines.join("\n")}\n`;
}
