// The whole-pipeline pre-flight: every selected stage is checked before the first one starts, and every problem of
// every stage is reported at once. An input that an earlier selected stage will produce counts as promised.
import { PipelinePreflightError, type Problem } from "../errors.js";
import { which } from "../util/which.js";
import type { Plan, PlannedStage } from "./plan.js";
import { toolCommand } from "../contract/tool-binding.js";
import { toolSite } from "./tool-site.js";
import { rayPlacementProblems } from "./ray-placement.js";
import { backendOf } from "../stages/registry.js";
import { resourceProblems } from "../resources/problems.js";
import type { StageResources } from "../resources/types.js";
import type { StageContext } from "../contract/stage.js";

export interface StageProblem extends Problem {
  stage: string;
}

export interface MissingTool {
  stage: string;
  tool: string;
  command: string;
  /** The config key that points at the tool. */
  path: string;
  install: string;
}

export interface PreflightReport {
  problems: StageProblem[];
  missingTools: MissingTool[];
}

const WILL_RUN = new Set<PlannedStage["action"]>(["run", "resume", "reattach", "reuse"]);

/** Stages checked: those that will start something (a job being reattached is already past its pre-flight). */
function checked(stage: PlannedStage): boolean {
  return stage.action === "run" || stage.action === "resume";
}

async function missingTool(stage: PlannedStage, plan: Plan, env: NodeJS.ProcessEnv): Promise<MissingTool | undefined> {
  // Stages done in this process (data build, evaluation loop) have no external tool to find; a tool that runs on a
  // Slurm node or the Ray cluster is looked for there, by the job (tool-site.ts).
  if (stage.definition.kind === "in-process" || toolSite(plan.loaded.config) !== "here") return undefined;
  const binding = backendOf(stage.definition, plan.loaded.config);
  const command = toolCommand(plan.loaded.config, binding);
  if (await which(command[0]!, env)) return undefined;
  return { stage: stage.name, tool: binding.tool, command: command[0]!, path: `tools.${binding.tool}.command`, install: binding.install };
}

/**
 * One stage's problems: whether it fits on the GPUs (src/resources, with figures and fixes), then its own checks.
 * The whole-pipeline pre-flight and the check right before a launch (after upstream outputs exist) both use it.
 */
export async function stageProblems(stage: PlannedStage, ctx: StageContext, resources: StageResources | undefined): Promise<Problem[]> {
  return [
    ...rayPlacementProblems(ctx.config, stage.name),
    ...resourceProblems(stage.name, resources),
    ...(await stage.definition.preflight(ctx, stage.render)),
  ];
}

export async function preflightPlan(plan: Plan, options: { env?: NodeJS.ProcessEnv } = {}): Promise<PreflightReport> {
  const env = options.env ?? process.env;
  const report: PreflightReport = { problems: [], missingTools: [] };
  const promised: string[] = [];
  for (const stage of plan.stages) {
    if (checked(stage)) {
      const ctx = { ...stage.context, promised: [...promised] };
      let problems: Problem[];
      try {
        problems = await stageProblems(stage, ctx, stage.resources);
      } catch (error) {
        // A stage whose check itself throws a user-facing problem still lets the others report theirs.
        if (error instanceof Error && "problems" in error)
          problems = [...resourceProblems(stage.name, stage.resources), ...(error as { problems: Problem[] }).problems];
        else throw error;
      }
      report.problems.push(...problems.map((p) => ({ ...p, stage: stage.name })));
      const tool = await missingTool(stage, plan, env);
      if (tool) report.missingTools.push(tool);
    }
    if (WILL_RUN.has(stage.action)) promised.push(...Object.values(stage.definition.outputs(stage.context)).filter((p) => p.startsWith("/")));
  }
  return report;
}

export function describeMissingTool(t: MissingTool): string {
  return `${t.tool} is not installed or not on PATH (looked for \`${t.command}\`). Install it (${t.install}) or point ${t.path} at it.`;
}

/** `run` refuses before the first launch when any selected stage has a problem or lacks its tool. */
export async function refuseUnlessReady(plan: Plan, options: { env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const report = await preflightPlan(plan, options);
  const all: StageProblem[] = [...report.problems, ...report.missingTools.map((t) => ({ stage: t.stage, path: t.path, message: describeMissingTool(t) }))];
  const order = plan.stages.map((s) => s.name as string);
  all.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
  if (all.length) throw new PipelinePreflightError(plan.configFile, all);
}
