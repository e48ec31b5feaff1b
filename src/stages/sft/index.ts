// The SFT stage: LLaMA-Factory full fine-tuning with the recipe's settings, resumable from its newest whole checkpoint.
import { pathExists } from "../../util/path-exists.js";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Problem } from "../../errors.js";
import type { SftStageConfig } from "./config.js";
import type { Observer, StageContext, StageModule, StageRender } from "../../contract/stage.js";
import { toolCommand, type ToolBinding } from "../../contract/tool-binding.js";
import { sftStageSchema } from "./config.js";
import { sftRules } from "./rules.js";
import { dataStageOutputs } from "../data/outputs.js";
import { sftOutputs } from "./outputs.js";
import { sftReport } from "./report.js";
import { isPromised } from "../../contract/promised.js";
import { renderLlamaFactoryTrain, llamafactoryManagedKeys } from "../../tools/llamafactory/render.js";
import { checkLlamaFactoryArgs, llamafactoryKeysNeedingVersion } from "../../tools/llamafactory/keys.js";
import { llamafactoryReleaseKeys, resolveLlamafactoryRelease } from "../../tools/llamafactory/releases.js";
import { versionUnknownNote } from "../../tools/releases.js";
import { checkLlamaFactoryRules } from "../../tools/llamafactory/rules.js";
import { checkDatasetFile } from "../../tools/llamafactory/datasets.js";
import { TEMPLATES, OLD_TEMPLATES } from "../../tools/llamafactory/templates.js";
import { findResumePoint } from "../../tools/llamafactory/checkpoints.js";
import { hfRestart } from "../../tools/llamafactory/restart.js";
import { checkpointBytes } from "../../resources/checkpoint-size.js";
import { TrainerLogReader, estimateRemaining } from "../../tools/llamafactory/progress.js";
import { classifyLlamaFactoryFailure } from "../../tools/llamafactory/failures.js";
import { suggestion } from "../../util/did-you-mean.js";
import { estimateSft } from "../../resources/estimate-sft.js";
import { resolveModel } from "../../resources/model-dims.js";

const FINAL_WEIGHTS = ["model.safetensors", "model.safetensors.index.json", "adapter_model.safetensors", "pytorch_model.bin"];

/** The SFT options, with the files of datasets the data stage builds filled in from its outputs. */
function sftConfig(ctx: StageContext): SftStageConfig {
  const sft = ctx.config.stages.sft as SftStageConfig;
  const built: Record<string, string | undefined> = dataStageOutputs.of(ctx) ?? {};
  const missing = sft.datasets.filter((name) => !sft.dataset_files[name] && built[name]);
  if (!missing.length) return sft;
  const fromData = Object.fromEntries(missing.map((name) => [name, { path: built[name]!, formatting: "alpaca" as const }]));
  return { ...sft, dataset_files: { ...sft.dataset_files, ...fromData } };
}

function usesDeepspeed(sft: SftStageConfig): boolean {
  return sft.deepspeed !== "none";
}

function deepspeedStage(sft: SftStageConfig): number | undefined {
  if (typeof sft.deepspeed !== "string") return undefined;
  return sft.deepspeed.startsWith("zero3") ? 3 : sft.deepspeed.startsWith("zero2") ? 2 : undefined;
}

function looksLocal(path: string): boolean {
  return path.startsWith("/") || path.startsWith("./") || path.startsWith("../");
}

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

/** Where LLaMA-Factory's problems and hints point in the experiment file. */
const CONFIG_PATH = "stages.sft";
const MANAGED_KEYS = llamafactoryManagedKeys(CONFIG_PATH, "<workdir>/sft/output");

function renderFor(ctx: StageContext, resumeFrom?: string) {
  const sft = sftConfig(ctx);
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
    command: toolCommand(ctx.config, LLAMAFACTORY),
    toolEnv: ctx.config.tools.llamafactory?.env ?? {},
    resumeFrom,
  });
}

/** What the release refuses, from the config alone: args keys and values, and keys dianjin-train renders itself. */
function contract(ctx: StageContext): Problem[] {
  const sft = sftConfig(ctx);
  const problems: Problem[] = [];
  for (const key of Object.keys(sft.args)) {
    if (MANAGED_KEYS[key]) problems.push({ path: `stages.sft.args.${key}`, message: `set by dianjin-train: ${MANAGED_KEYS[key]}` });
  }
  const unmanaged = Object.fromEntries(Object.entries(sft.args).filter(([k]) => !MANAGED_KEYS[k]));
  const { release } = lfRelease(ctx);
  problems.push(...checkLlamaFactoryArgs(unmanaged, "stages.sft.args", release));
  if (release) {
    const accepted = llamafactoryReleaseKeys(release);
    for (const key of Object.keys(renderFor(ctx).trainArgs)) {
      if (!Object.hasOwn(accepted, key) && !Object.hasOwn(unmanaged, key)) {
        problems.push({ path: "tools.llamafactory.version", message: `dianjin-train renders ${key}, which LLaMA-Factory ${release} does not accept` });
      }
    }
  } else if (ctx.versionSource === "probe-failed") {
    problems.push(...llamafactoryKeysNeedingVersion(unmanaged, "stages.sft.args", versionUnknownNote("LLaMA-Factory", "probe-failed")));
  }
  return problems;
}

const LLAMAFACTORY: ToolBinding = {
  tool: "llamafactory",
  defaultCommand: ["llamafactory-cli"],
  install: "pip install llamafactory, or git clone LLaMA-Factory and pip install -e '.[torch,metrics,deepspeed]'",
  versionArgs: ["version"],
  parseVersion: (output) => /version\s*:?\s*v?(\d+\.\d+\.\d+[\w.+-]*)/i.exec(output)?.[1],
};

export const sftStage = {
  name: "sft",
  version: 1,
  title: "SFT (LLaMA-Factory)",
  summary: "supervised fine-tuning with LLaMA-Factory",
  schema: sftStageSchema,
  pathFields: ["dataset_files.*.path", "deepspeed.path"],
  kind: "job",
  placement: "all-nodes",
  needs: ["data"],
  backends: { llamafactory: LLAMAFACTORY },
  rules: sftRules,
  report: sftReport,

  render(ctx, resume): StageRender {
    const sft = sftConfig(ctx);
    const rendered = renderFor(ctx, resume?.path);
    const { warnings } = lfRelease(ctx);
    const { resume_from_checkpoint: _ignored, ...keyedArgs } = rendered.trainArgs;
    const deepspeed = rendered.files.deepspeed;
    const { paths } = ctx;
    const python = ctx.config.tools.python?.command?.[0] ?? "python3";
    const restart = hfRestart({
      python,
      renderedDir: paths.rendered,
      outputDir: paths.output,
      asideDir: paths.aside,
      trainYaml: rendered.files.train.path,
      deepspeed: usesDeepspeed(sft),
    });
    return {
      files: { ...(Object.fromEntries(Object.entries(rendered.files).filter(([, f]) => f !== undefined)) as StageRender["files"]), restart: restart.file },
      argv: rendered.argv,
      restartArgv: restart.argv,
      env: rendered.env,
      keyInputs: {
        model: { base: ctx.config.model.base, template: ctx.config.model.template },
        stages: { sft: { ...sft, args: keyedArgs, dataset_files: sft.dataset_files } },
        cluster: { nodes: ctx.config.cluster.nodes, gpus_per_node: ctx.config.cluster.gpus_per_node },
        tracking: ctx.config.tracking,
        tools: { llamafactory: { command: toolCommand(ctx.config, LLAMAFACTORY), version: ctx.config.tools.llamafactory?.version } },
        ...(deepspeed ? { deepspeed: deepspeed.content } : {}),
      },
      inputFiles: [
        ...sft.datasets.map((d) => sft.dataset_files[d]?.path).filter((p): p is string => !!p),
        ...(typeof sft.deepspeed === "object" ? [sft.deepspeed.path] : []),
        ...(looksLocal(ctx.config.model.base) ? [join(ctx.config.model.base, "config.json")] : []),
      ],
      fingerprint: sft.fingerprint,
      watchdogMs: sft.watchdog_minutes ? sft.watchdog_minutes * 60_000 : undefined,
      ...(warnings.length ? { warnings } : {}),
    };
  },

  contract,

  async resources(ctx) {
    if (ctx.config.cluster.gpus_per_node === 0) return undefined; // no GPUs: nothing to estimate
    const model = await resolveModel([ctx.config.model.base]);
    return model && estimateSft({ config: ctx.config, sft: sftConfig(ctx), model, statsPath: dataStageOutputs.of(ctx)?.stats_json });
  },

  async preflight(ctx): Promise<Problem[]> {
    const sft = sftConfig(ctx);
    const problems = contract(ctx);
    problems.push(...checkLlamaFactoryRules(sft.args, deepspeedStage(sft), "stages.sft.args"));

    const template = ctx.config.model.template;
    if (OLD_TEMPLATES.has(template)) {
      problems.push({ path: "model.template", message: `template "${template}" was removed from LLaMA-Factory; pick a current one` });
    } else if (!TEMPLATES.has(template)) {
      problems.push({ path: "model.template", message: `LLaMA-Factory has no template "${template}"${suggestion(template, TEMPLATES)}` });
    }
    for (const name of sft.datasets) {
      const file = sft.dataset_files[name];
      // A file the data stage builds in this run is checked when it exists (the per-stage pre-flight before launch).
      if (file && !isPromised(ctx, file.path)) problems.push(...(await checkDatasetFile(name, file, `stages.sft.dataset_files.${name}.path`)));
    }
    if (typeof sft.deepspeed === "object") {
      try {
        JSON.parse(await readFile(sft.deepspeed.path, "utf8"));
      } catch (error) {
        problems.push({ path: "stages.sft.deepspeed.path", message: `cannot read a DeepSpeed JSON there: ${(error as Error).message}` });
      }
    }
    const base = ctx.config.model.base;
    if (looksLocal(base) && !(await pathExists(join(base, "config.json")))) {
      problems.push({ path: "model.base", message: `${base} is not a model folder (no config.json)` });
    }
    if (usesDeepspeed(sft) && ctx.config.cluster.gpus_per_node === 0) {
      problems.push({ path: "cluster.gpus_per_node", message: "DeepSpeed training needs at least one GPU" });
    }
    return problems;
  },

  async findResume(ctx) {
    const { checkpoint, incomplete } = await findResumePoint(ctx.paths.output, usesDeepspeed(sftConfig(ctx)));
    return { point: checkpoint, incomplete: incomplete.map((c) => ({ step: c.step, path: c.path })) };
  },

  async checkpointBytes(ctx) {
    const { checkpoint } = await findResumePoint(ctx.paths.output, usesDeepspeed(sftConfig(ctx)));
    return checkpointBytes(checkpoint?.path, ctx.config.model.base);
  },

  async outputsComplete(ctx) {
    for (const name of FINAL_WEIGHTS) if (await pathExists(join(ctx.paths.output, name))) return pathExists(join(ctx.paths.output, "train_results.json"));
    return false;
  },

  outputs: (ctx) => sftOutputs.make({ model: ctx.paths.output }),

  observe(ctx, emit): Observer {
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
    // A checkpoint counts once trainer_state.json is in it (the trainer writes it last).
    let newestCheckpoint = -1;
    const checkpoints = async () => {
      const names = await readdir(ctx.paths.output).catch(() => [] as string[]);
      for (const step of names
        .map((n) => /^checkpoint-(\d+)$/.exec(n)?.[1])
        .filter(Boolean)
        .map(Number)
        .sort((a, b) => a - b)) {
        const path = join(ctx.paths.output, `checkpoint-${step}`);
        if (step > newestCheckpoint && (await pathExists(join(path, "trainer_state.json")))) {
          newestCheckpoint = step;
          emit({ type: "checkpoint", stage: "sft", step, path });
        }
      }
    };
    const tick = async () => {
      await read();
      await checkpoints();
    };
    return { onTick: tick, finish: tick };
  },

  classify: (logText) => classifyLlamaFactoryFailure(logText, { configPath: CONFIG_PATH, forceOption: "--force sft" }),
} satisfies StageModule<"sft", typeof sftStageSchema>;
