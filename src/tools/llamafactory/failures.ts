// Names the cause of a failed LLaMA-Factory run from its log. The exit code alone is 1 for nearly everything.
import type { FailureCause } from "../../errors.js";
import { CUDA_OOM, NCCL_TIMEOUT, RANK_SIGKILL, classifyWith, type FailurePattern } from "../hf-trainer/failures.js";

/** Where the hints point: the experiment's block of the stage that ran the tool, and how to run that stage over. */
export interface LlamaFactoryFailureContext {
  /** e.g. "stages.sft": its args, datasets, dataset_files sit under it. */
  configPath: string;
  /** The command-line option that starts the stage over, e.g. "--force sft". */
  forceOption: string;
}

// Order matters: the first match wins, most specific first.
const PATTERNS: Array<FailurePattern<LlamaFactoryFailureContext>> = [
  {
    id: "unknown-keys",
    test: /Some (?:specified arguments|keys) are not used by the HfArgumentParser: (\[[^\]]*\])/,
    summary: (m) => `LLaMA-Factory rejected unknown keys ${m[1]}`,
    hint: (at) => `the installed LLaMA-Factory does not know these keys; upgrade it, or remove them from ${at.configPath}.args`,
  },
  {
    id: "dataset-missing",
    test: /Undefined dataset (\S+) in dataset_info\.json|File (\S+) not found\.|Cannot open (\S+) due to|Cannot find valid samples/,
    summary: (m) =>
      m[1]
        ? `dataset ${m[1]} is not registered`
        : m[2]
          ? `dataset file ${m[2]} not found`
          : m[3]
            ? `cannot read ${m[3]}`
            : "no valid samples in the dataset files",
    hint: (at) => `check ${at.configPath}.datasets and ${at.configPath}.dataset_files (paths and alpaca/sharegpt columns)`,
  },
  {
    id: "template-missing",
    test: /Template (\S+) does not exist/,
    summary: (m) => `chat template ${m[1]} does not exist in this LLaMA-Factory`,
    hint: () => "set model.template to a template the installed LLaMA-Factory has (qwen for Qwen2.5), or upgrade it",
  },
  {
    id: "output-dir-not-empty",
    test: /Output directory already exists and is not empty/,
    summary: () => "the output folder holds final weights and no checkpoint to resume from",
    hint: (at) => `run with ${at.forceOption} to start over (the old output is moved aside, not deleted)`,
  },
  {
    id: "cuda-oom",
    test: CUDA_OOM,
    summary: () => "a GPU ran out of memory",
    hint: () => "lower per_device_train_batch_size or cutoff_len, use deepspeed zero3 or zero3_offload, or enable gradient checkpointing",
  },
  {
    id: "nccl-timeout",
    test: NCCL_TIMEOUT,
    summary: () => "a collective operation between GPUs/nodes timed out (NCCL)",
    hint: () => "check the network between nodes and MASTER_ADDR/MASTER_PORT; slow preprocessing on rank 0 also causes this (raise ddp_timeout)",
  },
  {
    id: "host-oom",
    test: RANK_SIGKILL,
    summary: () => "a training process was killed (SIGKILL), most often by the host's out-of-memory killer",
    hint: () => "lower preprocessing_num_workers or dataloader workers, or use a machine with more RAM",
  },
  {
    id: "deepspeed-launch",
    test: /Please use `FORCE_TORCHRUN=1` to launch DeepSpeed training/,
    summary: () => "DeepSpeed was started without torchrun",
    hint: () => "this is set automatically when deepspeed is used; check tools.llamafactory.env does not override FORCE_TORCHRUN",
  },
  {
    id: "bad-checkpoint",
    test: /Can't find a valid checkpoint at (\S+)|zero_pp_rank_\d+_mp_rank_\d+_optim_states\.pt/,
    summary: (m) => (m[1] ? `cannot resume from ${m[1]}` : "the DeepSpeed checkpoint was saved with a different number of GPUs"),
    hint: (at) => `resume with the same GPU count the checkpoint was saved with, or run with ${at.forceOption} to start over`,
  },
  {
    id: "dependency-version",
    test: /is required for a normal functioning of this module, but found/,
    summary: () => "a Python dependency has a version LLaMA-Factory does not support",
    hint: () => "install the versions LLaMA-Factory pins, or set DISABLE_VERSION_CHECK=1 in tools.llamafactory.env",
  },
];

export function classifyLlamaFactoryFailure(logText: string, at: LlamaFactoryFailureContext): FailureCause | undefined {
  return classifyWith(PATTERNS, logText, at);
}
