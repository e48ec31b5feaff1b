// Renders what `llamafactory-cli train` reads: the train YAML, dataset_info.json and the DeepSpeed JSON.
import { join } from "node:path";
import type { ExperimentBase as Experiment } from "../../contract/experiment.js";
import type { SftStageConfig } from "../../stages/sft/config.js";
import { emitFlatYaml } from "./yaml-emit.js";
import { deepspeedConfig, deepspeedFileName } from "./deepspeed.js";

/** Tool-neutral defaults under every SFT run; the recipe (experiment file) goes over these. */
export const SFT_DEFAULT_ARGS: Readonly<Record<string, unknown>> = {
  stage: "sft",
  do_train: true,
  finetuning_type: "full",
  bf16: true,
  logging_steps: 10,
  save_strategy: "epoch",
  plot_loss: true,
};

/** Keys this project sets itself; a user value would break resume, registration or layout. */
export const MANAGED_KEYS: Readonly<Record<string, string>> = {
  output_dir: "the stage output folder is <workdir>/sft/output",
  overwrite_output_dir: "kept false so an interrupted run can resume (a true value deletes trainer_log.jsonl and disables resume)",
  resume_from_checkpoint: "set to the newest complete checkpoint automatically",
  dataset: "use stages.sft.datasets",
  dataset_dir: "datasets are registered from stages.sft.dataset_files",
  deepspeed: "use stages.sft.deepspeed",
  model_name_or_path: "use model.base",
  template: "use model.template",
  report_to: "use tracking.backends",
  run_name: "use tracking.run_name",
};

export interface SftRenderInput {
  config: Experiment;
  sft: SftStageConfig;
  renderedDir: string;
  outputDir: string;
  /** The model to start from (model.base unless a data stage or an upstream says otherwise). */
  modelPath: string;
  command: string[];
  toolEnv: Record<string, string>;
  resumeFrom?: string;
}

export interface SftRendered {
  trainArgs: Record<string, unknown>;
  files: { train: { path: string; content: string }; datasetInfo: { path: string; content: string }; deepspeed?: { path: string; content: string } };
  argv: string[];
  env: Record<string, string>;
}

function datasetInfo(sft: SftStageConfig): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  for (const name of sft.datasets) {
    const file = sft.dataset_files[name];
    if (!file) continue;
    const columns =
      file.columns ?? (file.formatting === "alpaca" ? { prompt: "instruction", query: "input", response: "output" } : { messages: "conversations" });
    info[name] = { file_name: file.path, formatting: file.formatting, columns, ...(file.tags ? { tags: file.tags } : {}) };
  }
  return info;
}

function trackingArgs(config: Experiment): { args: Record<string, unknown>; env: Record<string, string> } {
  const { backends, project, run_name } = config.tracking;
  const reportTo = backends.filter((b) => b !== "swanlab");
  const args: Record<string, unknown> = { report_to: reportTo.length ? reportTo : "none", run_name: run_name ?? config.name };
  const env: Record<string, string> = {};
  if (backends.includes("swanlab")) {
    // LLaMA-Factory's own SwanLab switch; report_to: swanlab is the path its maintainers advise against.
    Object.assign(args, { use_swanlab: true, swanlab_run_name: run_name ?? config.name, ...(project ? { swanlab_project: project } : {}) });
  }
  if (project && backends.includes("wandb")) env.WANDB_PROJECT = project;
  if (project && backends.includes("mlflow")) env.MLFLOW_EXPERIMENT_NAME = project;
  return { args, env };
}

export function distributedEnv(config: Experiment, useTorchrun: boolean): Record<string, string> {
  const { gpus, gpus_per_node, nodes, master_addr, master_port, launcher } = config.cluster;
  // On a cluster the job computes the per-node values (NODE_RANK, MASTER_ADDR) and the scheduler picks the GPUs.
  const local = launcher === "local";
  const devices = gpus ?? (local ? Array.from({ length: gpus_per_node }, (_, i) => i) : []);
  const env: Record<string, string> = {};
  if (devices.length) env.CUDA_VISIBLE_DEVICES = devices.join(",");
  if (useTorchrun) {
    Object.assign(env, {
      FORCE_TORCHRUN: "1",
      NNODES: String(nodes),
      ...(local ? { NODE_RANK: "0", MASTER_ADDR: master_addr } : {}),
      NPROC_PER_NODE: String(Math.max(1, gpus_per_node)),
      MASTER_PORT: String(master_port),
    });
  }
  return env;
}

export function renderSft(input: SftRenderInput): SftRendered {
  const { config, sft, renderedDir, outputDir } = input;
  const tracking = trackingArgs(config);
  const preset = typeof sft.deepspeed === "string" ? sft.deepspeed : undefined;
  const deepspeedPath =
    typeof sft.deepspeed === "object" ? sft.deepspeed.path : preset && preset !== "none" ? join(renderedDir, deepspeedFileName(preset)) : undefined;

  const trainArgs: Record<string, unknown> = {
    model_name_or_path: input.modelPath,
    template: config.model.template,
    ...SFT_DEFAULT_ARGS,
    ...sft.args,
    dataset: sft.datasets.join(","),
    dataset_dir: renderedDir,
    output_dir: outputDir,
    overwrite_output_dir: false,
    ...(deepspeedPath ? { deepspeed: deepspeedPath } : {}),
    ...tracking.args,
    ...(input.resumeFrom ? { resume_from_checkpoint: input.resumeFrom } : {}),
  };

  const trainPath = join(renderedDir, "train.yaml");
  const files: SftRendered["files"] = {
    train: { path: trainPath, content: emitFlatYaml(trainArgs, `Rendered by dianjin-train for experiment ${config.name}; edit the experiment file, not this.`) },
    datasetInfo: { path: join(renderedDir, "dataset_info.json"), content: `${JSON.stringify(datasetInfo(sft), null, 2)}\n` },
  };
  if (preset && preset !== "none" && deepspeedPath) {
    files.deepspeed = { path: deepspeedPath, content: `${JSON.stringify(deepspeedConfig(preset), null, 2)}\n` };
  }

  const gpuCount = config.cluster.gpus?.length ?? config.cluster.gpus_per_node;
  const useTorchrun = deepspeedPath !== undefined || config.cluster.nodes > 1 || gpuCount > 1;
  const env = { ...distributedEnv(config, useTorchrun), ...tracking.env, ...input.toolEnv };
  return { trainArgs, files, argv: [...input.command, "train", trainPath], env };
}
