// `plan` of a family: the graph first (stages identical across variants shown once, "shared by lr1, lr2", then each
// variant's own), GPU-hours with shared stages counted once beside the figure if each variant ran separately, then
// each variant's plan as `plan` prints it. --json has the same.
import { PipelinePreflightError, type Problem } from "../errors.js";
import { familyPlanJson, planFamily, type Family, type FamilyPlan, type SharedStage } from "../pipeline/family.js";
import { formatHours } from "../report/compare-table.js";
import { redactText, secretValues } from "../util/secrets.js";
import type { CommonOptions } from "./options.js";
import { showPlan, type PlanShown } from "./plan-show.js";

const hours = (n: number | null) => (n === null ? "?" : formatHours(n));

function stageLine(s: SharedStage, shared: boolean): string {
  const actions = [...new Set(Object.values(s.actions))].join("/");
  const who = shared ? `  shared by ${s.variants.join(", ")}` : "";
  return `    ${s.stage.padEnd(7)} ${actions.padEnd(12)} key ${s.key}  GPU-hours ${s.gpu ? hours(s.gpuHours) : "-"}${who}`;
}

export function describeFamilyGraph(fp: FamilyPlan): string {
  const lines = [`family ${fp.family.name}  (workdir ${fp.family.workdir}; ${fp.plans.length} of ${fp.family.variants.length} variants)`];
  lines.push(fp.shared.length ? "  shared stages (built once):" : "  no stage is shared: every variant builds its own");
  for (const s of fp.shared) lines.push(stageLine(s, true));
  for (const { variant } of fp.plans) {
    lines.push(`  ${variant}:`);
    for (const s of fp.own[variant] ?? []) lines.push(stageLine(s, false));
    if (!fp.own[variant]?.length) lines.push("    (nothing of its own)");
  }
  const g = fp.gpuHours;
  const unknown = g.unknown ? ` (${g.unknown} GPU stage${g.unknown === 1 ? "" : "s"} without an estimate not counted)` : "";
  lines.push(`  GPU-hours: ${hours(g.family)} for the family, shared stages once; ${hours(g.separately)} if each variant ran separately${unknown}`);
  return `${lines.join("\n")}\n`;
}

export async function familyPlanCommand(family: Family, options: CommonOptions & { json?: boolean; out?: string }): Promise<number> {
  const fp = await planFamily(family, { ...options, variant: undefined, only: options.only.length ? options.only : undefined });
  const shown = new Map<string, PlanShown>();
  for (const { variant, plan } of fp.plans) shown.set(variant, await showPlan(plan, { out: options.out && `${options.out}/${variant}` }));
  const secrets = secretValues();
  const text = options.json
    ? `${JSON.stringify(
        familyPlanJson(fp, (plan) => [...shown.values()].find((s) => s.json.workdir === plan.workdir)!.json),
        null,
        2,
      )}\n`
    : [describeFamilyGraph(fp), ...fp.plans.map(({ variant }) => `\nvariant ${variant}\n${shown.get(variant)!.text}`)].join("");
  process.stdout.write(redactText(text, secrets));
  const problems: Array<Problem & { stage: string }> = [...shown.entries()].flatMap(([variant, s]) =>
    s.report.problems.map((p) => ({ ...p, stage: `${variant} ${p.stage}` })),
  );
  if (!problems.length) return 0;
  const error = new PipelinePreflightError(family.file, problems);
  process.stderr.write(redactText(`dianjin-train: ${error.describe()}\n`, secrets));
  return error.exitCode;
}
