// The merge stage: the chosen GRPO checkpoint → a Hugging Face model folder that is *proven* whole before it counts.
import { join } from "node:path";
import type { Problem } from "../../errors.js";
import { PreflightError } from "../../errors.js";
import type { MergeStageConfig } from "./config.js";
import type { StageContext, StageModule, StageRender } from "../../contract/stage.js";
import { toolCommand, type ToolBinding } from "../../contract/tool-binding.js";
import { mergeStageSchema } from "./config.js";
import { mergeOutputs } from "./outputs.js";
import { grpoOutputs } from "../grpo/outputs.js";
import { freeBytes } from "../../util/disk.js";
import { formatBytes } from "../../util/bytes.js";
import { resolveModel } from "../../resources/model-dims.js";
import { firstVerlReleaseWith } from "../../tools/verl/releases.js";
import { verlTarget } from "../../tools/verl/target.js";
import type { MergerKind } from "../../tools/merge/render.js";
import { isPromised } from "../../contract/promised.js";
import { renderMerge, seedMergeScriptPath } from "../../tools/merge/render.js";
import { verifyMergedModel } from "../../tools/merge/verify.js";
import { formatVerifyReport, mergeVerifyFailure } from "../../tools/merge/verify-report.js";
import { MERGE_DEFAULTS } from "../../tools/merge/defaults.js";

function mergeConfig(ctx: StageContext<MergeStageConfig>): MergeStageConfig {
  return ctx.stage;
}

/** Stated, else the GRPO stage's (the config rule below makes sure one of the two is there). */
function checkpointDir(ctx: StageContext<MergeStageConfig>): string {
  return mergeConfig(ctx).checkpoint_dir ?? grpoOutputs.of(ctx)?.checkpoints ?? "";
}

function python(ctx: StageContext<MergeStageConfig>): string {
  return (ctx.config.tools.python?.command ?? ["python3"])[0]!;
}

/** The merger for the verl release that wrote the checkpoints: stated, else by release (the module arrived in 0.4.1). */
function mergerFor(ctx: StageContext<MergeStageConfig>): { merger: MergerKind; problems: Problem[]; warnings: string[] } {
  const stated = mergeConfig(ctx).merger;
  const verl = verlTarget(ctx.toolVersions?.verl_merger ?? ctx.toolVersions?.verl);
  if (stated) {
    const problems =
      stated === "current" && !verl.modelMerger
        ? [
            {
              path: "stages.merge.merger",
              message: `python -m verl.model_merger was added in verl ${firstVerlReleaseWith("modelMerger")}; verl ${verl.release} has none — use merger: seed (the script shipped here)`,
            },
          ]
        : [];
    return { merger: stated, problems, warnings: [] };
  }
  if (verl.known) return { merger: verl.modelMerger ? "current" : "seed", problems: [], warnings: [] };
  const warning =
    "the verl version is not known (tools.verl.version not stated, not probed yet): using python -m verl.model_merger, which verl has from 0.4.1; state tools.verl.version or stages.merge.merger";
  return { merger: "current", problems: [], warnings: [warning] };
}

/** The argv when the checkpoint is there; before GRPO has run, a readable placeholder for `plan`. */
function mergeArgv(ctx: StageContext<MergeStageConfig>): { argv: string[]; step?: number; problems: Problem[] } {
  const merge = mergeConfig(ctx);
  const { merger } = mergerFor(ctx);
  const prefix = toolCommand(ctx.config, VERL_MERGER);
  try {
    const command = renderMerge({
      stage: "merge",
      checkpointDir: checkpointDir(ctx),
      targetDir: ctx.paths.output,
      step: merge.step,
      merger,
      commandPrefix: prefix,
      python: python(ctx),
    });
    return { argv: command.argv, step: command.checkpoint.step, problems: [] };
  } catch (error) {
    if (!(error instanceof PreflightError)) throw error;
    const actor = join(checkpointDir(ctx), `global_step_${merge.step === "latest" ? "<latest>" : merge.step}`, "actor");
    const argv =
      merger === "current"
        ? [...prefix, "merge", "--backend", MERGE_DEFAULTS.backend, "--local_dir", actor, "--target_dir", ctx.paths.output]
        : [python(ctx), seedMergeScriptPath(), "--local_dir", actor, "--target_dir", ctx.paths.output];
    return { argv, problems: error.problems };
  }
}

/** The merged bf16 model needs its size × 1.1 free where it is written (2 bytes a parameter, from the checkpoint's config). */
async function freeSpaceProblems(ctx: StageContext<MergeStageConfig>, step: number): Promise<Problem[]> {
  const params = (await resolveModel([join(checkpointDir(ctx), `global_step_${step}`, "actor", "huggingface")]))?.params;
  const free = await freeBytes(ctx.paths.output);
  if (!params || free === undefined) return [];
  const needed = params * 2 * 1.1;
  if (free >= needed) return [];
  return [
    {
      path: "stages.merge",
      message: `not enough free disk for the merged model: it needs about ${formatBytes(needed)} (${(params / 1e9).toFixed(2)}B parameters in bf16, + 10%), ${formatBytes(free)} are free under ${ctx.paths.root}; free space (\`dianjin-train gc <config>\` removes set-aside outputs and pruned checkpoints) or move the workdir`,
    },
  ];
}

const VERL_MERGER: ToolBinding = {
  tool: "verl_merger",
  defaultCommand: [...MERGE_DEFAULTS.commandPrefix],
  install: "pip install verl (the merger is `python3 -m verl.model_merger`), or use stages.merge.merger: seed with torch + safetensors",
};

export const mergeStage = {
  name: "merge",
  version: 1,
  title: "merge (FSDP → Hugging Face)",
  summary: "merge the GRPO checkpoint into a Hugging Face model",
  schema: mergeStageSchema,
  pathFields: ["checkpoint_dir"],
  kind: "job",
  placement: "single-node",
  needs: ["grpo"],
  backends: { verl_merger: VERL_MERGER },
  rules: (config) =>
    config.stages.merge && !(config.stages.merge as MergeStageConfig).checkpoint_dir && !grpoOutputs.configured(config)
      ? [
          {
            path: "stages.merge.checkpoint_dir",
            message: "the experiment has no grpo stage to merge from; say where verl's checkpoints are (trainer.default_local_dir)",
          },
        ]
      : [],

  render(ctx): StageRender {
    const merge = mergeConfig(ctx);
    const { argv, step } = mergeArgv(ctx);
    const { merger, warnings } = mergerFor(ctx);
    return {
      files: {},
      argv,
      env: ctx.config.tools.verl_merger?.env ?? {},
      keyInputs: {
        stages: { merge: { ...merge, merger, checkpoint_dir: checkpointDir(ctx), resolved_step: step } },
        tools: { verl_merger: { command: argv.slice(0, 3) } },
      },
      inputFiles: step !== undefined ? [join(checkpointDir(ctx), MERGE_DEFAULTS.trackerFile)] : [],
      fingerprint: "mtime",
      ...(warnings.length ? { warnings } : {}),
    };
  },

  contract: (ctx) => mergerFor(ctx).problems,

  async preflight(ctx): Promise<Problem[]> {
    // The checkpoint GRPO writes in this same run cannot be there yet.
    if (isPromised(ctx, checkpointDir(ctx))) return mergerFor(ctx).problems;
    const { problems, step } = mergeArgv(ctx);
    const disk = step === undefined ? [] : await freeSpaceProblems(ctx, step);
    return [...mergerFor(ctx).problems, ...problems, ...disk];
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

  outputs: (ctx) => mergeOutputs.make({ model: ctx.paths.output }),

  observe: () => ({}),

  classify: () => undefined,
} satisfies StageModule<"merge", typeof mergeStageSchema>;
