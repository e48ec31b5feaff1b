// The GRPO stage: verl's PPO trainer with the GRPO estimator, the DianJin-R1 reward, and RL data in verl's Parquet
// schema. Every override is checked against verl's config tree and its start-up arithmetic before anything starts.
import { pathExists } from "../../util/path-exists.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Problem } from "../../errors.js";
import { PreflightError } from "../../errors.js";
import type { GrpoStageConfig } from "./config.js";
import type { ExperimentBase } from "../../contract/experiment.js";
import type { StageContext, StageModule, StageRender } from "../../contract/stage.js";
import { toolCommand, type ToolBinding } from "../../contract/tool-binding.js";
import { grpoStageSchema } from "./config.js";
import { grpoOutputs } from "./outputs.js";
import { grpoReport } from "./report.js";
import { buildRlParquet, rlFiles } from "./rl-data.js";
import { sftOutputs } from "../sft/outputs.js";
import { checkpointBytes } from "../../resources/checkpoint-size.js";
import { versionUnknownNote } from "../../tools/releases.js";
import { verlTarget, type VerlTarget } from "../../tools/verl/target.js";
import { trackerProblems, verlChoicesNeedingVersion } from "../../tools/verl/release-checks.js";
import { inputAvailable } from "../../contract/promised.js";
import { renderVerlOverrides, renderVerlEnv } from "../../tools/verl/render.js";
import { preflightGrpo } from "../../tools/verl/preflight.js";
import { validateOverrides } from "../../tools/verl/validate.js";
import { findLatestCheckpoint, prunableCheckpoints } from "../../tools/verl/checkpoints.js";
import { classifyVerlFailure } from "../../tools/verl/failures.js";
import { unfinishedRun } from "../../tools/verl/planned-total.js";
import { observeGrpo } from "./observe.js";
import { VERL_DEFAULTS } from "../../tools/verl/defaults.js";
import type { GrpoOptions } from "../../tools/verl/options.js";
import type { VerlEra } from "../../tools/verl/inventory.js";
import { estimateGrpo } from "./resources.js";
import { resolveModel } from "../../resources/model-dims.js";
import { distPath } from "../../util/dist-path.js";

const VERL: ToolBinding = {
  tool: "verl",
  defaultCommand: [...VERL_DEFAULTS.command],
  install: "pip install verl (with vllm and flash-attn), or point tools.verl.command at your environment's python3 -m verl.trainer.main_ppo",
  versionCommand: (config) => [verlPython(config), "-c", "import verl; print(verl.__version__)"],
  parseVersion: (output) => /^\s*v?(\d+\.\d+(?:\.\d+)?[\w.+-]*)\s*$/m.exec(output)?.[1],
};

export const REWARD_FILE = distPath("assets/python/dianjin_reward.py");

function grpoConfig(ctx: StageContext<GrpoStageConfig>): GrpoStageConfig {
  return ctx.stage;
}

/** tools.verl.version, else the version the installed verl reported (probed before launch, recorded for later plans). */
function target(ctx: StageContext<GrpoStageConfig>): VerlTarget {
  return verlTarget(ctx.toolVersion, ctx.versionSource);
}

function era(ctx: StageContext<GrpoStageConfig>): VerlEra {
  return target(ctx).era;
}

/** Release-dependent checks beyond the override keys: tracking backends, and asking for an unknown version. */
function releaseProblems(ctx: StageContext<GrpoStageConfig>): Problem[] {
  const { release } = target(ctx);
  const trackers = ctx.config.tracking.backends;
  if (release) return trackerProblems(release, trackers);
  if (!ctx.toolVersion && ctx.versionSource === "probe-failed") {
    return verlChoicesNeedingVersion(verlOptions(ctx), trackers, versionUnknownNote("verl", "probe-failed"), "stages.grpo");
  }
  return [];
}

/** The python that runs verl: the tool command's interpreter when it is one, else tools.python, else python3. */
function verlPython(config: ExperimentBase): string {
  const first = config.tools.verl?.command?.[0];
  if (first && /(^|\/)python[\d.]*$/.test(first)) return first;
  return config.tools.python?.command?.[0] ?? "python3";
}

/** The verl options with the GPU shape taken from `cluster`. */
function verlOptions(ctx: StageContext<GrpoStageConfig>): GrpoOptions {
  const { rl_data: _d, model: _m, reward: _r, keep_checkpoints: _k, vllm_attention_backend: _v, watchdog_minutes: _w, ...options } = grpoConfig(ctx);
  return { ...options, trainer: { ...options.trainer, n_gpus_per_node: ctx.config.cluster.gpus_per_node, nnodes: ctx.config.cluster.nodes } };
}

function modelPath(ctx: StageContext<GrpoStageConfig>): string {
  return grpoConfig(ctx).model ?? sftOutputs.of(ctx)?.model ?? ctx.config.model.base;
}

/** verl's Ray workers import the reward file by path: it is placed in the stage folder, on the shared workdir. */
function placedReward(ctx: StageContext<GrpoStageConfig>): string {
  return join(ctx.paths.rendered, "reward.py");
}

function rewardSource(ctx: StageContext<GrpoStageConfig>): string {
  return grpoConfig(ctx).reward.path ?? REWARD_FILE;
}

/** The reward file's text, rendered like any other file (so `plan --out` shows it); pre-flight reports a missing one. */
function readReward(ctx: StageContext<GrpoStageConfig>): string {
  try {
    return readFileSync(rewardSource(ctx), "utf8");
  } catch {
    return "";
  }
}

function render(ctx: StageContext<GrpoStageConfig>): StageRender {
  const grpo = grpoConfig(ctx);
  const files = rlFiles(ctx) ?? { train: "<rl_data.train>", val: "<rl_data.val>" };
  const verl = target(ctx);
  const verlEra = verl.era;
  const fileLogger = verl.fileLogger;
  const metricsFile = join(ctx.paths.logs, "metrics.jsonl");
  const options = verlOptions(ctx);
  const overrides = renderVerlOverrides(
    {
      options,
      era: verlEra,
      paths: { trainFiles: files.train, valFiles: files.val, modelPath: modelPath(ctx), rewardFile: placedReward(ctx), checkpointDir: ctx.paths.output },
      rewardFunction: grpo.reward.name,
      projectName: ctx.config.tracking.project ?? "dianjin-train",
      experimentName: ctx.config.tracking.run_name ?? ctx.config.name,
      trackers: ctx.config.tracking.backends,
      fileLogger,
      // verl writes latest_checkpointed_iteration.txt only after a checkpoint is whole, so `auto` always finds the newest
      // complete one: after our own resume, and after Slurm requeues the same script.
      resume: { mode: "auto" },
    },
    "stages.grpo",
  );
  const env = renderVerlEnv({
    fileLoggerPath: fileLogger ? metricsFile : undefined,
    vllmAttentionBackend: grpo.vllm_attention_backend,
    extra: ctx.config.tools.verl?.env,
  });
  return {
    files: { reward: { path: placedReward(ctx), content: readReward(ctx) } },
    argv: [...toolCommand(ctx.config, VERL), ...overrides],
    env,
    keyInputs: {
      stages: { grpo: { ...grpo, ...options, model: modelPath(ctx), rl_data: grpo.rl_data ?? files } },
      cluster: { nodes: ctx.config.cluster.nodes, gpus_per_node: ctx.config.cluster.gpus_per_node },
      tracking: ctx.config.tracking,
      tools: { verl: { command: toolCommand(ctx.config, VERL), version: ctx.toolVersion, era: verlEra } },
    },
    inputFiles: [rewardSource(ctx), ...(files.build ? [files.build.cflue, ...(files.build.template ? [files.build.template] : [])] : [files.train, files.val])],
    fingerprint: "content",
    watchdogMs: grpo.watchdog_minutes ? grpo.watchdog_minutes * 60_000 : undefined,
    ...(verl.warnings.length ? { warnings: verl.warnings } : {}),
  };
}

export const grpoStage = {
  name: "grpo",
  version: 1,
  title: "GRPO (verl)",
  summary: "GRPO reinforcement learning with verl",
  schema: grpoStageSchema,
  pathFields: ["rl_data.train", "rl_data.val", "rl_data.cflue_mcq", "rl_data.prompt_template", "reward.path"],
  modelFields: ["model"],
  kind: "job",
  placement: "ray",
  needs: ["data", "sft"],
  backends: { verl: VERL },
  report: grpoReport,

  render: (ctx) => render(ctx),

  contract: (ctx) => [...validateOverrides(verlOptions(ctx).overrides, era(ctx), "stages.grpo"), ...releaseProblems(ctx)],

  async resources(ctx) {
    if (ctx.config.cluster.gpus_per_node === 0) return undefined; // no GPUs: nothing to estimate
    // The SFT output does not exist before SFT ran: it has model.base's shape.
    const model = await resolveModel([modelPath(ctx), ctx.config.model.base]);
    const files = rlFiles(ctx);
    return model && estimateGrpo(ctx.config, grpoConfig(ctx), model, files && !files.build ? files.train : undefined);
  },

  async preflight(ctx): Promise<Problem[]> {
    const problems: Problem[] = [];
    const files = rlFiles(ctx);
    if (!files)
      problems.push({ path: "stages.grpo.rl_data", message: "no RL data: set rl_data (train/val Parquet, or cflue_mcq to build it), or add a data stage" });
    else if (files.build) {
      if (!(await pathExists(files.build.cflue))) problems.push({ path: "stages.grpo.rl_data.cflue_mcq", message: `file not found: ${files.build.cflue}` });
    } else {
      for (const split of ["train", "val"] as const)
        if (!(await inputAvailable(ctx, files[split]))) problems.push({ path: `stages.grpo.rl_data.${split}`, message: `file not found: ${files[split]}` });
    }
    const model = modelPath(ctx);
    if (model.startsWith("/") && !(await inputAvailable(ctx, join(model, "config.json")))) {
      problems.push({
        path: grpoConfig(ctx).model ? "stages.grpo.model" : "model.base",
        message: `${model} is not a model folder (no config.json); a hub id is written as org/name`,
      });
    }
    if (!(await pathExists(rewardSource(ctx)))) problems.push({ path: "stages.grpo.reward.path", message: `file not found: ${rewardSource(ctx)}` });
    const latest = await findLatestCheckpoint(ctx.paths.output);
    const resuming = latest.checkpoint !== undefined;
    problems.push(...preflightGrpo(verlOptions(ctx), { checkpointWorldSize: latest.checkpoint?.worldSize, resuming }, era(ctx), "stages.grpo"));
    problems.push(...releaseProblems(ctx));
    return problems;
  },

  async prepare(ctx, _render, emit) {
    const files = rlFiles(ctx);
    if (!files?.build) return;
    const counts = await buildRlParquet(ctx, files, emit);
    const problems = preflightGrpo(verlOptions(ctx), { trainRows: counts.train }, era(ctx), "stages.grpo");
    if (problems.length) throw new PreflightError("grpo", problems);
  },

  async findResume(ctx) {
    const latest = await findLatestCheckpoint(ctx.paths.output);
    return { point: latest.checkpoint ? { step: latest.checkpoint.step, path: latest.checkpoint.dir } : undefined, incomplete: [] };
  },

  async outputsComplete(ctx) {
    return (await unfinishedRun(ctx.paths.output, ctx.paths.logs)) === undefined;
  },

  async verifyOutputs(ctx) {
    const problem = await unfinishedRun(ctx.paths.output, ctx.paths.logs);
    return problem === undefined
      ? undefined
      : { id: "outputs-incomplete", summary: `verl exited 0 but ${problem}`, hint: "look at the log; run again to resume" };
  },

  outputs: (ctx) => grpoOutputs.make({ checkpoints: ctx.paths.output }),

  async checkpointBytes(ctx) {
    const latest = await findLatestCheckpoint(ctx.paths.output);
    return checkpointBytes(latest.checkpoint?.dir, modelPath(ctx));
  },

  async prunable(ctx) {
    const keep = grpoConfig(ctx).keep_checkpoints;
    return keep ? prunableCheckpoints(ctx.paths.output, keep) : [];
  },

  observe: (ctx, emit, from) => observeGrpo(ctx, emit, grpoConfig(ctx).keep_checkpoints, Boolean(render(ctx).env.VERL_FILE_LOGGER_PATH), from),

  classify: (logText) => {
    const cause = classifyVerlFailure(logText, "stages.grpo");
    return cause.id === "unknown" ? undefined : cause;
  },
} satisfies StageModule<"grpo", typeof grpoStageSchema>;
