// Renders what `trl sft --config x.yaml` reads: one flat YAML of ScriptArguments + SFTConfig (+ TrainingArguments)
// + ModelConfig keys (TrlParser sets them as the parser's defaults: trl/scripts/utils.py, set_defaults_with_config),
// and for more than one GPU or DeepSpeed an accelerate config passed with `--accelerate_config` (trl/cli.py hands
// the script to accelerate's launch_command).
import { join } from "node:path";
import { compareVersions } from "../releases.js";
import { emitFlatYaml } from "../hf-trainer/yaml-emit.js";
import { deepspeedConfig, deepspeedFileName, type DeepSpeedChoice } from "../hf-trainer/deepspeed.js";
import { gpuCount, visibleDevices, type TrainerCluster } from "../hf-trainer/distributed.js";
import { accelerateNode } from "../hf-trainer/accelerate-node.js";

/** Defaults under every `trl sft` run this project renders (the same schedule LLaMA-Factory's recipe gets). */
export const TRL_SFT_DEFAULTS: Readonly<Record<string, unknown>> = {
  bf16: true,
  logging_steps: 10,
  save_strategy: "epoch",
};

/**
 * TRL's own defaults, in `release`, for what the resource estimate reads. SFTConfig: max_length 1024, packing off in
 * every listed release; ModelConfig: lora_r 16; TrainingArguments: micro batch 8, 3 epochs. gradient_checkpointing is
 * TrainingArguments' False until SFTConfig sets True in 0.22 (trl/trainer/sft_config.py); from 0.29 TRL's _BaseConfig
 * sets True for every trainer (trl/trainer/base_config.py). No release known: the newest listed (on).
 */
export function trlSftToolDefaults(release?: string) {
  return {
    max_length: 1024,
    packing: false,
    gradient_checkpointing: release === undefined || compareVersions(release, "0.22.0") >= 0,
    per_device_train_batch_size: 8,
    num_train_epochs: 3,
    lora_r: 16,
  } as const;
}

/** Keys this project sets itself → why, naming where the experiment file sets them instead. */
export const TRL_MANAGED_KEYS: Readonly<Record<string, string>> = {
  output_dir: "the stage output folder is <workdir>/sft/output",
  resume_from_checkpoint: "set to the newest complete checkpoint automatically (TRL does not resume by itself)",
  dataset_name: "use stages.sft.datasets (converted to TRL's messages format)",
  datasets: "use stages.sft.datasets",
  deepspeed: "use stages.sft.deepspeed",
  model_name_or_path: "use model.base",
  report_to: "use tracking.backends",
  run_name: "use tracking.run_name",
};

export interface TrlTracking {
  backends: readonly string[];
  project?: string;
  run_name?: string;
}

export interface TrlSftInput {
  experimentName: string;
  modelPath: string;
  /** The folder holding the converted train.jsonl (load_dataset reads a folder's files by split name). */
  datasetDir: string;
  deepspeed: DeepSpeedChoice;
  /** An accelerate config TRL ships, by name, instead of a rendered one. */
  accelerateConfig?: string;
  args: Readonly<Record<string, unknown>>;
  cluster: TrainerCluster;
  tracking: TrlTracking;
  renderedDir: string;
  outputDir: string;
  command: readonly string[];
  /** Runs the per-node wrapper on several nodes. */
  python: string;
  toolEnv: Readonly<Record<string, string>>;
  resumeFrom?: string;
}

export interface TrlSftRendered {
  trainArgs: Record<string, unknown>;
  files: { train: { path: string; content: string } } & Record<string, { path: string; content: string }>;
  argv: string[];
  env: Record<string, string>;
}

/** accelerate's num_processes: every process of every machine. */
const processCount = (cluster: TrainerCluster) => cluster.nodes * Math.max(1, gpuCount(cluster));

/**
 * accelerate's config file for this machine layout (accelerate/commands/config/config_args.py ClusterConfig keys).
 * On several nodes machine_rank and the main process address are given per node as flags (accelerate_node.py), and
 * DeepSpeed uses the `standard` multi-node launcher: one launcher per node, as Slurm starts it; the default (pdsh)
 * would reach the other nodes itself from a hostfile (accelerate/commands/launch.py, deepspeed_launcher).
 */
function accelerateFile(cluster: TrainerCluster, deepspeedPath: string | undefined, zero3: boolean): Record<string, unknown> {
  const processes = processCount(cluster);
  const multinode = cluster.nodes > 1 ? { deepspeed_multinode_launcher: "standard" } : {};
  return {
    compute_environment: "LOCAL_MACHINE",
    distributed_type: deepspeedPath ? "DEEPSPEED" : processes > 1 ? "MULTI_GPU" : "NO",
    ...(deepspeedPath ? { deepspeed_config: { deepspeed_config_file: deepspeedPath, zero3_init_flag: zero3, ...multinode } } : {}),
    machine_rank: 0,
    main_process_ip: cluster.master_addr,
    main_process_port: cluster.master_port,
    main_training_function: "main",
    num_machines: cluster.nodes,
    num_processes: processes,
    rdzv_backend: "static",
    same_network: true,
    use_cpu: false,
  };
}

export function renderTrlSft(input: TrlSftInput): TrlSftRendered {
  const { renderedDir, cluster, tracking } = input;
  const preset = typeof input.deepspeed === "string" && input.deepspeed !== "none" ? input.deepspeed : undefined;
  const deepspeedPath = typeof input.deepspeed === "object" ? input.deepspeed.path : preset ? join(renderedDir, deepspeedFileName(preset)) : undefined;
  const reportTo = tracking.backends;
  const trainArgs: Record<string, unknown> = {
    model_name_or_path: input.modelPath,
    dataset_name: input.datasetDir,
    ...TRL_SFT_DEFAULTS,
    ...input.args,
    output_dir: input.outputDir,
    report_to: reportTo.length ? [...reportTo] : "none",
    run_name: tracking.run_name ?? input.experimentName,
    ...(input.resumeFrom ? { resume_from_checkpoint: input.resumeFrom } : {}),
  };
  const trainPath = join(renderedDir, "trl_sft.yaml");
  const files: TrlSftRendered["files"] = {
    train: {
      path: trainPath,
      content: emitFlatYaml(trainArgs, `Rendered by dianjin-train for experiment ${input.experimentName}; edit the experiment file, not this.`),
    },
  };
  if (preset && deepspeedPath) files.deepspeed = { path: deepspeedPath, content: `${JSON.stringify(deepspeedConfig(preset), null, 2)}\n` };

  let accelerate: string | undefined = input.accelerateConfig;
  if (!accelerate && (deepspeedPath || cluster.nodes > 1 || gpuCount(cluster) > 1)) {
    accelerate = join(renderedDir, "accelerate.yaml");
    const zero3 = preset?.startsWith("zero3") ?? false;
    files.accelerate = {
      path: accelerate,
      content: emitFlatYaml(accelerateFile(cluster, deepspeedPath, zero3), "accelerate launch config rendered by dianjin-train."),
    };
  }
  const env: Record<string, string> = { ...visibleDevices(cluster), ...input.toolEnv };
  if (tracking.project && reportTo.includes("wandb")) env.WANDB_PROJECT = tracking.project;
  const argv = [...input.command, "sft", "--config", trainPath, ...(accelerate ? ["--accelerate_config", accelerate] : [])];
  if (cluster.nodes > 1) {
    // A shipped config is for one machine (num_machines 1, num_processes 8): the layout is given as flags, which win.
    if (input.accelerateConfig) argv.push("--num_machines", String(cluster.nodes), "--num_processes", String(processCount(cluster)));
    const node = accelerateNode(input.python, renderedDir);
    files.node = node.file;
    argv.unshift(...node.prefix);
  }
  return { trainArgs, files, argv, env };
}
