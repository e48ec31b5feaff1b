// The one list of stages, in pipeline order. Everything else that needs "every stage" derives from it: the
// experiment schema and its JSON Schema, the CLI's stage commands, path resolution and launch placement.
// Adding a stage = its folder (src/stages/<name>/) + one line here.
import type { ExperimentBase } from "../contract/experiment.js";
import type { StageModule } from "../contract/stage.js";
import type { ToolBinding } from "../contract/tool-binding.js";
import { withSecretsProtected } from "../contract/secret-render.js";
import { dataStage } from "./data/index.js";
import { sftStage } from "./sft/index.js";
import { grpoStage } from "./grpo/index.js";
import { mergeStage } from "./merge/index.js";
import { deployStage } from "./deploy/index.js";
import { evalStage } from "./eval/index.js";

// Secrets read from variables reach a tool only through its environment, whichever stage renders them.
export const STAGES = [
  withSecretsProtected(dataStage),
  withSecretsProtected(sftStage),
  withSecretsProtected(grpoStage),
  withSecretsProtected(mergeStage),
  withSecretsProtected(deployStage),
  withSecretsProtected(evalStage),
] as const;

/** The same list, seen through the contract (for code that treats every stage alike). */
export const STAGE_MODULES: readonly StageModule[] = STAGES;

export type RegisteredStage = (typeof STAGES)[number];
export type StageName = RegisteredStage["name"];

export const STAGE_ORDER: readonly StageName[] = STAGES.map((s) => s.name);

export function isStageName(name: string): name is StageName {
  return (STAGE_ORDER as readonly string[]).includes(name);
}

export function stageModule(name: string): StageModule | undefined {
  return STAGE_MODULES.find((s) => s.name === name);
}

/** The stages whose block is in the experiment, in pipeline order. */
export function enabledStages(config: ExperimentBase): StageModule[] {
  return STAGE_MODULES.filter((s) => config.stages[s.name] !== undefined);
}

/** The tool binding the experiment selects for a stage. */
export function backendOf(stage: StageModule, config: ExperimentBase): ToolBinding {
  const names = Object.keys(stage.backends);
  const chosen = stage.backend?.(config) ?? names[0]!;
  return stage.backends[chosen]!;
}

/** The `tools:` entry of the backend the experiment selects for a stage. */
export function toolOf(stage: StageModule, config: ExperimentBase): string {
  return backendOf(stage, config).tool;
}

/** Every tool any stage can run with, in pipeline order (the keys of `tools:`). */
export function toolNames(): string[] {
  return [...new Set(STAGE_MODULES.flatMap((s) => Object.values(s.backends).map((b) => b.tool)))];
}

/** A service is kept after the run when its own settings say so, or a stage that uses it asks (eval's keep_server). */
export function serviceKept(stage: StageModule, config: ExperimentBase): boolean {
  const asked = (s: StageModule) => config.stages[s.name] !== undefined && s.needs.includes(stage.name) && (s.keepsServices?.(config) ?? false);
  return (stage.kind === "service" && stage.service.keep(config)) || STAGE_MODULES.some(asked);
}
