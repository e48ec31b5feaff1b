// `plan`: validate, render every file, and say what would run and why. Runs nothing, writes nothing (unless --out).
import { join } from "node:path";
import { planPipeline, planToJson, type Plan } from "../pipeline/plan.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { resourcesTable } from "../resources/table.js";
import { fsExtra } from "../util/fsx.js";
import type { CommonOptions } from "./options.js";

function describePlan(plan: Plan): string {
  const lines = [`experiment ${plan.experiment}  (workdir ${plan.workdir})`];
  for (const s of plan.stages) {
    lines.push(`  ${s.name.padEnd(7)} ${s.action.padEnd(12)} ${s.reason}`);
    if (s.action !== "not-selected") for (const warning of s.render.warnings ?? []) lines.push(`           warning: ${warning}`);
    if (s.action === "not-selected" || s.action === "skip") continue;
    lines.push(`           key ${s.key}`);
    if (s.render.argv.length) lines.push(`           $ ${s.render.argv.map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}`);
    const env = Object.entries(s.render.env).map(([k, v]) => `${k}=${v}`);
    if (env.length) lines.push(`           env ${env.join(" ")}`);
    for (const [name, file] of Object.entries(s.render.files)) lines.push(`           ${name}: ${file.path}`);
  }
  const gpuStages = plan.stages.flatMap((s) => (s.resources ? [{ stage: s.name, resources: s.resources }] : []));
  const unknown = plan.stages.filter((s) => !s.resources && s.definition.resources && s.action !== "not-selected");
  const why = unknown.map((s) => `  ${s.name}: no resource estimate: the model's dimensions are unknown (give a local folder with config.json, or a Qwen2.5/Qwen3 hub id)\n`);
  return `${lines.join("\n")}\n${resourcesTable(gpuStages)}${why.join("")}`;
}

export async function planCommand(config: string, options: CommonOptions & { json?: boolean; out?: string }): Promise<number> {
  const plan = await planPipeline(config, { ...options, only: options.only.length ? options.only : undefined, contract: true });
  if (options.out) {
    // Copies for the user to read, not state: fs-extra's outputFile (creates the folders), loaded only for --out.
    const fse = await fsExtra();
    for (const stage of plan.stages) {
      for (const file of Object.values(stage.render.files)) {
        await fse.outputFile(join(options.out, stage.name, file.path.split("/").pop()!), file.content);
      }
    }
  }
  process.stdout.write(options.json ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : describePlan(plan));
  return 0;
}
