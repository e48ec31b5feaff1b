// Renders what `llamafactory-cli train` reads: the train YAML, dataset_info.json and the DeepSpeed JSON.
import { join } from "node:path";
import { emitFlatYaml } from "../hf-trainer/yaml-emit.js";
import { deepspeedConfig, deepspeedFileName, type DeepSpeedChoice } from "../hf-trainer/deepspeed.js";
import type { LlamaFactoryDatasetFile } from "./datasets.js";
import { distributedEnv, gpuCount, type TrainerCluster } from "../hf-trainer/distributed.js";

/** Defaults under every `llamafactory-cli train` run this project renders; the recipe (`args`) goes over these. */
export const LLAMAFACTORY_TRAIN_DEFAULTS: Readonly<Record<string, unknown>> = {
  do_train: true,
  finetuning_type: "full",
  bf16: true,
  logging_steps: 10,
  save_strategy: "epoch",
  plot_loss: true,
};

/**
 * Keys this project sets itself (a user value would break resume, registration or layout) → why, naming where the
 * experiment file sets them instead: `configPath` is the stage's block (e.g. "stages.sft"), `outputFolder` how the
 * output folder is shown.
 */
export function llamafactoryManagedKeys(configPath: string, outputFolder: string): Readonly<Record<string, string>> {
  return {
    output_dir: `the stage output folder is ${outputFolder}`,
    overwrite_output_dir: "kept false so an interrupted run can resume (a true value deletes trainer_log.jsonl and disables resume)",
    resume_from_checkpoint: "set to the newest complete checkpoint automatically",
    dataset: `use ${configPath}.datasets`,
    dataset_dir: `datasets are registered from ${configPath}.dataset_files`,
    deepspeed: `use ${configPath}.deepspeed`,
    model_name_or_path: "use model.base",
    template: "use model.template",
    report_to: "use tracking.backends",
    run_name: "use tracking.run_name",
  };
}

/** Experiment trackers (the experiment's `tracking` is assignable). */
export interface LlamaFactoryTracking {
  backends: readonly string[];
  project?: string;
  run_name?: string;
}

export interface LlamaFactoryTrainInput {
  /** Named in the rendered file's header, and the run name when tracking sets none. */
  experimentName: string;
  /** The model to start from. */
  modelPath: string;
  template: string;
  /** LLaMA-Factory's own `stage` key: which training this is (sft, pt, rm, dpo, …). */
  trainingStage: string;
  /** Registered dataset names, in training order. */
  datasets: readonly string[];
  datasetFiles: Readonly<Record<string, LlamaFactoryDatasetFile>>;
  deepspeed: DeepSpeedChoice;
  /** `llamafactory-cli train` keys, verbatim. */
  args: Readonly<Record<string, unknown>>;
  cluster: TrainerCluster;
  tracking: LlamaFactoryTracking;
  renderedDir: string;
  outputDir: string;
  command: readonly string[];
  toolEnv: Readonly<Record<string, string>>;
  resumeFrom?: string;
}

export interface LlamaFactoryTrainRendered {
  trainArgs: Record<string, unknown>;
  files: { train: { path: string; content: string }; datasetInfo: { path: string; content: string }; deepspeed?: { path: string; content: string } };
  argv: string[];
  env: Record<string, string>;
}

function datasetInfo(input: LlamaFactoryTrainInput): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  for (const name of input.datasets) {
    const file = input.datasetFiles[name];
    if (!file) continue;
    const columns =
      file.columns ?? (file.formatting === "alpaca" ? { prompt: "instruction", query: "input", response: "output" } : { messages: "conversations" });
    info[name] = { file_name: file.path, formatting: file.formatting, columns, ...(file.tags ? { tags: file.tags } : {}) };
  }
  return info;
}

function trackingArgs(tracking: LlamaFactoryTracking, experimentName: string): { args: Record<string, unknown>; env: Record<string, string> } {
  const { backends, project, run_name } = tracking;
  const reportTo = backends.filter((b) => b !== "swanlab");
  const args: Record<string, unknown> = { report_to: reportTo.length ? reportTo : "none", run_name: run_name ?? experimentName };
  const env: Record<string, string> = {};
  if (backends.includes("swanlab")) {
    // LLaMA-Factory's own SwanLab switch; report_to: swanlab is the path its maintainers advise against.
    Object.assign(args, { use_swanlab: true, swanlab_run_name: run_name ?? experimentName, ...(project ? { swanlab_project: project } : {}) });
  }
  if (project && backends.includes("wandb")) env.WANDB_PROJECT = project;
  if (project && backends.includes("mlflow")) env.MLFLOW_EXPERIMENT_NAME = project;
  return { args, env };
}

export function renderLlamaFactoryTrain(input: LlamaFactoryTrainInput): LlamaFactoryTrainRendered {
  const { renderedDir, outputDir, cluster } = input;
  const tracking = trackingArgs(input.tracking, input.experimentName);
  const preset = typeof input.deepspeed === "string" ? input.deepspeed : undefined;
  const deepspeedPath =
    typeof input.deepspeed === "object" ? input.deepspeed.path : preset && preset !== "none" ? join(renderedDir, deepspeedFileName(preset)) : undefined;

  const trainArgs: Record<string, unknown> = {
    model_name_or_path: input.modelPath,
    template: input.template,
    stage: input.trainingStage,
    ...LLAMAFACTORY_TRAIN_DEFAULTS,
    ...input.args,
    dataset: input.datasets.join(","),
    dataset_dir: renderedDir,
    output_dir: outputDir,
    overwrite_output_dir: false,
    ...(deepspeedPath ? { deepspeed: deepspeedPath } : {}),
    ...tracking.args,
    ...(input.resumeFrom ? { resume_from_checkpoint: input.resumeFrom } : {}),
  };

  const trainPath = join(renderedDir, "train.yaml");
  const files: LlamaFactoryTrainRendered["files"] = {
    train: {
      path: trainPath,
      content: emitFlatYaml(trainArgs, `Rendered by dianjin-train for experiment ${input.experimentName}; edit the experiment file, not this.`),
    },
    datasetInfo: { path: join(renderedDir, "dataset_info.json"), content: `${JSON.stringify(datasetInfo(input), null, 2)}\n` },
  };
  if (preset && preset !== "none" && deepspeedPath) {
    files.deepspeed = { path: deepspeedPath, content: `${JSON.stringify(deepspeedConfig(preset), null, 2)}\n` };
  }

  const useTorchrun = deepspeedPath !== undefined || cluster.nodes > 1 || gpuCount(cluster) > 1;
  const env = { ...distributedEnv(cluster, useTorchrun), ...tracking.env, ...input.toolEnv };
  return { trainArgs, files, argv: [...input.command, "train", trainPath], env };
}
