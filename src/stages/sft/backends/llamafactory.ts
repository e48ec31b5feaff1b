// SFT with LLaMA-Factory: `llamafactory-cli train` on a rendered YAML with dataset_info.json, resumable from its
// newest whole checkpoint; progress and the loss curve from its trainer_log.jsonl.
import { join } from "node:path";
import type { JobBackend } from "../../../contract/backend.js";
import type { StageContext, StageRender } from "../../../contract/stage.js";
import { toolCommand, type ToolBinding } from "../../../contract/tool-binding.js";
import type { Problem } from "../../../errors.js";
import type { SftStageConfig } from "../config.js";
import { LLAMAFACTORY_FIX_KEYS, llamafactoryTraining } from "./llamafactory-resources.js";
import { sftLossPart } from "../report.js";
import { commonPreflight, deepspeedStage, estimateWith, restartFor, sftInputFiles, usesDeepspeed } from "../shared.js";
import { pathExists } from "../../../util/path-exists.js";
import { suggestion } from "../../../util/did-you-mean.js";
import { renderLlamaFactoryTrain, llamafactoryManagedKeys } from "../../../tools/llamafactory/render.js";
import { checkLlamaFactoryArgs, llamafactoryKeysNeedingVersion } from "../../../tools/llamafactory/keys.js";
import { llamafactoryReleaseKeys, resolveLlamafactoryRelease } from "../../../tools/llamafactory/releases.js";
import { versionUnknownNote } from "../../../tools/releases.js";
import { checkLlamaFactoryRules } from "../../../tools/llamafactory/rules.js";
import { TEMPLATES, OLD_TEMPLATES } from "../../../tools/llamafactory/templates.js";
import { TrainerLogReader } from "../../../tools/llamafactory/progress.js";
import { classifyLlamaFactoryFailure } from "../../../tools/llamafactory/failures.js";
import { checkpointWatcher, findResumePoint } from "../../../tools/hf-trainer/checkpoints.js";
import { LossCurve, estimateRemaining } from "../../../tools/hf-trainer/progress.js";
import { checkpointBytes } from "../../../resources/checkpoint-size.js";
import type { SftLossPoint } from "../../../report/types.js";

const FINAL_WEIGHTS = ["model.safetensors", "model.safetensors.index.json", "adapter_model.safetensors", "pytorch_model.bin"];
/** Where LLaMA-Factory's problems and hints point in the experiment file. */
const CONFIG_PATH = "stages.sft";
const MANAGED_KEYS = llamafactoryManagedKeys(CONFIG_PATH, "<workdir>/sft/output");

const BINDING: ToolBinding = {
  tool: "llamafactory",
  defaultCommand: ["llamafactory-cli"],
  install: "pip install llamafactory, or git clone LLaMA-Factory and pip install -e '.[torch,metrics,deepspeed]'",
  versionArgs: ["version"],
  parseVersion: (output) => /version\s*:?\s*v?(\d+\.\d+\.\d+[\w.+-]*)/i.exec(output)?.[1],
};

/** The listed LLaMA-Factory release the checks use (undefined when the version is not known), and what to warn about. */
function lfRelease(ctx: StageContext): { release?: string; warnings: string[] } {
  const version = ctx.toolVersion;
  if (!version) {
    const why = versionUnknownNote("LLaMA-Factory", ctx.versionSource ?? "unknown");
    return {
      warnings: [
        `${why}; keys are checked against the project's current snapshot, and a key only some releases accept fails pre-flight at launch unless the version is known — state tools.llamafactory.version`,
      ],
    };
  }
  const resolved = resolveLlamafactoryRelease(version);
  if (!resolved)
    return { warnings: [`tools.llamafactory.version "${version}" is not a version number; keys are checked against the project's current snapshot`] };
  return { release: resolved.release, warnings: resolved.warning ? [resolved.warning] : [] };
}

function renderFor(ctx: StageContext, sft: SftStageConfig, resumeFrom?: string) {
  return renderLlamaFactoryTrain({
    experimentName: ctx.config.name,
    template: ctx.config.model.template,
    trainingStage: "sft",
    datasets: sft.datasets,
    datasetFiles: sft.dataset_files,
    deepspeed: sft.deepspeed,
    args: sft.args,
    cluster: ctx.config.cluster,
    tracking: ctx.config.tracking,
    renderedDir: ctx.paths.rendered,
    outputDir: ctx.paths.output,
    modelPath: ctx.config.model.base,
    command: toolCommand(ctx.config, BINDING),
    toolEnv: ctx.config.tools.llamafactory?.env ?? {},
    resumeFrom,
  });
}

/** What the release refuses, from the config alone: args keys and values, and keys dianjin-train renders itself. */
function contract(ctx: StageContext, sft: SftStageConfig): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(sft.args)) {
    if (MANAGED_KEYS[key]) problems.push({ path: `stages.sft.args.${key}`, message: `set by dianjin-train: ${MANAGED_KEYS[key]}` });
  }
  const unmanaged = Object.fromEntries(Object.entries(sft.args).filter(([k]) => !MANAGED_KEYS[k]));
  const { release } = lfRelease(ctx);
  problems.push(...checkLlamaFactoryArgs(unmanaged, "stages.sft.args", release));
  if (release) {
    const accepted = llamafactoryReleaseKeys(release);
    for (const key of Object.keys(renderFor(ctx, sft).trainArgs)) {
      if (!Object.hasOwn(accepted, key) && !Object.hasOwn(unmanaged, key)) {
        problems.push({ path: "tools.llamafactory.version", message: `dianjin-train renders ${key}, which LLaMA-Factory ${release} does not accept` });
      }
    }
  } else if (ctx.versionSource === "probe-failed") {
    problems.push(...llamafactoryKeysNeedingVersion(unmanaged, "stages.sft.args", versionUnknownNote("LLaMA-Factory", "probe-failed")));
  }
  return problems;
}

export const llamafactoryBackend: JobBackend<SftStageConfig> = {
  binding: BINDING,
  label: "LLaMA-Factory",

  render(ctx, sft, resume): StageRender {
    const rendered = renderFor(ctx, sft, resume?.path);
    const { warnings } = lfRelease(ctx);
    const { resume_from_checkpoint: _ignored, ...keyedArgs } = rendered.trainArgs;
    // `backend` stays out of the key: a run from before backends existed keeps its key.
    const { backend: _backend, ...keyedSft } = sft;
    const deepspeed = rendered.files.deepspeed;
    const restart = restartFor(ctx, rendered.files.train.path, usesDeepspeed(sft));
    return {
      files: { ...(Object.fromEntries(Object.entries(rendered.files).filter(([, f]) => f !== undefined)) as StageRender["files"]), restart: restart.file },
      argv: rendered.argv,
      restartArgv: restart.argv,
      env: rendered.env,
      keyInputs: {
        model: { base: ctx.config.model.base, template: ctx.config.model.template },
        stages: { sft: { ...keyedSft, args: keyedArgs, dataset_files: sft.dataset_files } },
        cluster: { nodes: ctx.config.cluster.nodes, gpus_per_node: ctx.config.cluster.gpus_per_node },
        tracking: ctx.config.tracking,
        tools: { llamafactory: { command: toolCommand(ctx.config, BINDING), version: ctx.config.tools.llamafactory?.version } },
        ...(deepspeed ? { deepspeed: deepspeed.content } : {}),
      },
      inputFiles: sftInputFiles(ctx, sft),
      fingerprint: sft.fingerprint,
      watchdogMs: sft.watchdog_minutes ? sft.watchdog_minutes * 60_000 : undefined,
      ...(warnings.length ? { warnings } : {}),
    };
  },

  contract,

  async preflight(ctx, sft) {
    const problems = contract(ctx, sft);
    problems.push(...checkLlamaFactoryRules(sft.args, deepspeedStage(sft), "stages.sft.args"));
    const template = ctx.config.model.template;
    if (OLD_TEMPLATES.has(template)) {
      problems.push({ path: "model.template", message: `template "${template}" was removed from LLaMA-Factory; pick a current one` });
    } else if (!TEMPLATES.has(template)) {
      problems.push({ path: "model.template", message: `LLaMA-Factory has no template "${template}"${suggestion(template, TEMPLATES)}` });
    }
    return [...problems, ...(await commonPreflight(ctx, sft))];
  },

  async findResume(ctx, sft) {
    const { checkpoint, incomplete } = await findResumePoint(ctx.paths.output, usesDeepspeed(sft));
    return { point: checkpoint, incomplete: incomplete.map((c) => ({ step: c.step, path: c.path })) };
  },

  async checkpointBytes(ctx, sft) {
    const { checkpoint } = await findResumePoint(ctx.paths.output, usesDeepspeed(sft));
    return checkpointBytes(checkpoint?.path, ctx.config.model.base);
  },

  async outputsComplete(ctx) {
    for (const name of FINAL_WEIGHTS) if (await pathExists(join(ctx.paths.output, name))) return pathExists(join(ctx.paths.output, "train_results.json"));
    return false;
  },

  observe(ctx, _sft, emit, from) {
    const reader = new TrainerLogReader(join(ctx.paths.output, "trainer_log.jsonl"));
    let first: { step: number; at: number } | undefined;
    const read = () =>
      reader.poll((entry) => {
        const now = Date.now();
        if (!first || entry.replay) first = { step: entry.step, at: now };
        const metrics: Record<string, number> = {};
        if (entry.loss !== undefined) metrics.loss = entry.loss;
        if (entry.lr !== undefined) metrics.lr = entry.lr;
        if (entry.epoch !== undefined) metrics.epoch = entry.epoch;
        emit({
          type: "progress",
          stage: "sft",
          step: entry.step,
          total: entry.total,
          etaSeconds: estimateRemaining(entry, { firstStep: first.step, firstAt: first.at, now }),
          metrics,
        });
      });
    const checkpoints = checkpointWatcher(ctx.paths.output, ({ step, path }) => emit({ type: "checkpoint", stage: "sft", step, path }));
    const tick = async () => {
      await read();
      await checkpoints();
    };
    // A reattached watcher announces only checkpoints saved from now on (trainer_log.jsonl gives its newest entry anyway).
    return { start: async () => void (from?.reattached && (await checkpoints.skipSaved())), onTick: tick, finish: tick };
  },

  classify: (logText) => classifyLlamaFactoryFailure(logText, { configPath: CONFIG_PATH, forceOption: "--force sft" }),

  // The loss curve from trainer_log.jsonl (a replayed step replaces the earlier one).
  async report({ paths }) {
    const trainerLog = join(paths.output, "trainer_log.jsonl");
    const sftLoss: SftLossPoint[] = [];
    if (await pathExists(trainerLog)) {
      const curve = new LossCurve();
      await new TrainerLogReader(trainerLog).pollAll((e) => curve.add(e));
      sftLoss.push(...curve.steps.map((step, i) => ({ step, loss: curve.losses[i]! })));
    }
    return sftLossPart(sftLoss, trainerLog, `no SFT loss (${trainerLog} missing or empty)`);
  },

  resources: (ctx, sft) => estimateWith(ctx, sft, llamafactoryTraining(sft.args), LLAMAFACTORY_FIX_KEYS),
};
