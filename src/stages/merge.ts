// The merge stage: the chosen GRPO checkpoint → a Hugging Face model folder that is *proven* whole before it counts.
import { join } from "node:path";
import type { Problem } from "../errors.js";
import { PreflightError } from "../errors.js";
import type { MergeStageConfig } from "../config/stages/merge.js";
import type { StageContext, StageDefinition, StageRender } from "../pipeline/stage.js";
import { toolCommand } from "../pipeline/tools.js";
import { isPromised } from "../pipeline/promised.js";
import { renderMerge, verifyMergedModel, formatVerifyReport, mergeVerifyFailure, MERGE_DEFAULTS, seedMergeScriptPath } from "../tools/merge/index.js";

function mergeConfig(ctx: StageContext): MergeStageConfig {
  return ctx.config.stages.merge!;
}

function checkpointDir(ctx: StageContext): string {
  return mergeConfig(ctx).checkpoint_dir ?? ctx.upstream.grpo?.outputs.checkpoints ?? join(ctx.workdir, "grpo", "output");
}

function python(ctx: StageContext): string {
  return (ctx.config.tools.python.command ?? ["python3"])[0]!;
}

/** The argv when the checkpoint is there; before GRPO has run, a readable placeholder for `plan`. */
function mergeArgv(ctx: StageContext): { argv: string[]; step?: number; problems: Problem[] } {
  const merge = mergeConfig(ctx);
  const prefix = toolCommand(ctx.config, mergeStage);
  try {
    const command = renderMerge({ checkpointDir: checkpointDir(ctx), targetDir: ctx.paths.output, step: merge.step, merger: merge.merger, commandPrefix: prefix, python: python(ctx) });
    return { argv: command.argv, step: command.checkpoint.step, problems: [] };
  } catch (error) {
    if (!(error instanceof PreflightError)) throw error;
    const actor = join(checkpointDir(ctx), `global_step_${merge.step === "latest" ? "<latest>" : merge.step}`, "actor");
    const argv =
      merge.merger === "current"
        ? [...prefix, "merge", "--backend", MERGE_DEFAULTS.backend, "--local_dir", actor, "--target_dir", ctx.paths.output]
        : [python(ctx), seedMergeScriptPath(), "--local_dir", actor, "--target_dir", ctx.paths.output];
    return { argv, problems: error.problems };
  }
}

export const mergeStage: StageDefinition = {
  name: "merge",
  version: 1,
  title: "merge (FSDP → Hugging Face)",
  tool: "verl_merger",
  defaultCommand: [...MERGE_DEFAULTS.commandPrefix],
  install: "pip install verl (the merger is `python3 -m verl.model_merger`), or use stages.merge.merger: seed with torch + safetensors",
  consumes: ["grpo"],

  enabled: (config) => config.stages.merge !== undefined,

  render(ctx): StageRender {
    const merge = mergeConfig(ctx);
    const { argv, step } = mergeArgv(ctx);
    return {
      files: {},
      argv,
      env: ctx.config.tools.verl_merger.env,
      keyInputs: { stages: { merge: { ...merge, checkpoint_dir: checkpointDir(ctx), resolved_step: step } }, tools: { verl_merger: { command: argv.slice(0, 3) } } },
      inputFiles: step !== undefined ? [join(checkpointDir(ctx), MERGE_DEFAULTS.trackerFile)] : [],
      fingerprint: "mtime",
    };
  },

  async preflight(ctx): Promise<Problem[]> {
    // The checkpoint GRPO writes in this same run cannot be there yet.
    if (isPromised(ctx, checkpointDir(ctx))) return [];
    return mergeArgv(ctx).problems;
  },

  async findResume() {
    return { incomplete: [] }; // a merge is redone whole
  },

  async outputsComplete(ctx) {
    return (await verifyMergedModel(ctx.paths.output, { expectedDtype: mergeConfig(ctx).expected_dtype })).ok;
  },

  async verifyOutputs(ctx) {
    const report = await verifyMergedModel(ctx.paths.output, { expectedDtype: mergeConfig(ctx).expected_dtype });
    if (report.ok) return undefined;
    const cause = mergeVerifyFailure(report);
    return { ...cause, summary: `${cause.summary}\n${formatVerifyReport(report, 10)}` };
  },

  outputs: (ctx) => ({ model: ctx.paths.output }),

  observe: () => ({}),

  classify: () => undefined,
};
