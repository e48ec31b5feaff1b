// `plan`: validate, render every file, run the whole pre-flight, and say what would run and why. Runs nothing,
// writes nothing (unless --out). Exit 3 lists every problem of every selected stage; a tool missing on this machine
// is only noted, so `plan` works on a laptop.
import { join } from "node:path";
import { planPipeline, planToJson, type Plan } from "../pipeline/plan.js";
import { describeMissingTool, preflightPlan, type PreflightReport } from "../pipeline/preflight.js";
import { PipelinePreflightError } from "../errors.js";
import { previewLaunch, type LaunchFile } from "../pipeline/launch-preview.js";
import { describeToolSite } from "../pipeline/tool-site.js";
import { jobTool } from "../pipeline/tools.js";
import { resourceWarnings } from "../resources/problems.js";
import { resourcesTable } from "../resources/table.js";
import { toolOf } from "../stages/registry.js";
import { fsExtra } from "../util/fsx.js";
import { redactText, secretValues } from "../util/secrets.js";
import type { CommonOptions } from "./options.js";

/** tools.<tool>.env values are masked: that is where people put credentials. */
function shownEnv(plan: Plan, s: Plan["stages"][number]): Record<string, string> {
  const own = plan.loaded.config.tools[toolOf(s.definition, plan.loaded.config)]?.env ?? {};
  return Object.fromEntries(Object.entries(s.render.env).map(([k, v]) => [k, k in own ? "***" : v]));
}

/** The stage's tool and where it will be looked for (none for a stage done in this process). */
function toolWhere(plan: Plan, s: Plan["stages"][number]): { name: string; command: string; where: string } | undefined {
  if (s.definition.kind === "in-process") return undefined;
  const tool = jobTool(plan.loaded.config, s.definition);
  return { ...tool, where: describeToolSite(plan.loaded.config, tool.command) };
}

function describePlan(plan: Plan, report: PreflightReport, launch: Map<string, LaunchFile[]>): string {
  const lines = [`experiment ${plan.experiment}  (workdir ${plan.workdir})`];
  for (const s of plan.stages) {
    lines.push(`  ${s.name.padEnd(7)} ${s.action.padEnd(12)} ${s.reason}`);
    if (s.action !== "not-selected")
      for (const warning of [...(s.render.warnings ?? []), ...resourceWarnings(s.name, s.resources)]) lines.push(`           warning: ${warning}`);
    if (s.action === "not-selected" || s.action === "skip" || s.action === "reuse") continue;
    const tool = toolWhere(plan, s);
    const missing = report.missingTools.find((t) => t.stage === s.name);
    if (tool) lines.push(`           tool ${tool.name}: ${tool.where}${missing ? `; not installed here, \`run\` needs it (${missing.path})` : ""}`);
    lines.push(`           key ${s.key}`);
    if (s.render.argv.length) lines.push(`           $ ${s.render.argv.map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}`);
    const env = Object.entries(shownEnv(plan, s)).map(([k, v]) => `${k}=${v}`);
    const fromEnv = Object.entries(s.render.secretEnv ?? {}).map(([k, v]) => `${k}=$${v}`);
    if (fromEnv.length) lines.push(`           env from your environment ${fromEnv.join(" ")}`);
    if (env.length) lines.push(`           env ${env.join(" ")}`);
    for (const [name, file] of Object.entries(s.render.files)) lines.push(`           ${name}: ${file.path}`);
    for (const file of launch.get(s.name) ?? []) {
      lines.push(`           ${plan.loaded.config.cluster.launcher} ${file.name} (what would be submitted):`);
      for (const line of file.content.trimEnd().split("\n")) lines.push(`           | ${line}`);
    }
  }
  const gpuStages = plan.stages.flatMap((s) => (s.resources ? [{ stage: s.name, resources: s.resources }] : []));
  const unknown = plan.stages.filter((s) => !s.resources && s.definition.resources && s.action !== "not-selected");
  const why = unknown.map(
    (s) => `  ${s.name}: no resource estimate: the model's dimensions are unknown (give a local folder with config.json, or a Qwen2.5/Qwen3 hub id)\n`,
  );
  return `${lines.join("\n")}\n${resourcesTable(gpuStages)}${why.join("")}`;
}

export async function planCommand(config: string, options: CommonOptions & { json?: boolean; out?: string }): Promise<number> {
  const plan = await planPipeline(config, { ...options, only: options.only.length ? options.only : undefined });
  const report = await preflightPlan(plan);
  const secrets = secretValues();
  const launch = new Map<string, LaunchFile[]>();
  for (const stage of plan.stages) {
    if (stage.action === "run" || stage.action === "resume")
      launch.set(stage.name, await previewLaunch(plan, { ...stage, render: { ...stage.render, env: shownEnv(plan, stage) } }));
  }
  if (options.out) {
    // Copies for the user to read, not state: fs-extra's outputFile (creates the folders), loaded only for --out.
    const fse = await fsExtra();
    for (const stage of plan.stages) {
      for (const file of Object.values(stage.render.files)) {
        await fse.outputFile(join(options.out, stage.name, file.path.split("/").pop()!), redactText(file.content, secrets));
      }
      for (const file of launch.get(stage.name) ?? []) await fse.outputFile(join(options.out, stage.name, file.name), redactText(file.content, secrets));
    }
  }
  const base = planToJson(plan);
  for (const [i, s] of base.stages.entries()) {
    s.env = shownEnv(plan, plan.stages[i]!);
    const tool = toolWhere(plan, plan.stages[i]!);
    if (tool) Object.assign(s, { tool });
    const files = launch.get(s.name);
    if (files?.length) Object.assign(s, { launch: Object.fromEntries(files.map((f) => [f.name, f.content])) });
  }
  const json = { ...base, problems: report.problems, missingTools: report.missingTools.map((t) => ({ ...t, message: describeMissingTool(t) })) };
  process.stdout.write(redactText(options.json ? `${JSON.stringify(json, null, 2)}\n` : describePlan(plan, report, launch), secrets));
  if (!report.problems.length) return 0;
  const error = new PipelinePreflightError(plan.configFile, report.problems);
  process.stderr.write(redactText(`dianjin-train: ${error.describe()}\n`, secrets));
  return error.exitCode;
}
