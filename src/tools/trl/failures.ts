// Names the cause of a failed `trl sft` run from its log. The hints point into the experiment file's block.
import type { FailureCause } from "../../errors.js";
import { CUDA_OOM, NCCL_TIMEOUT, RANK_SIGKILL, classifyWith, type FailurePattern } from "../hf-trainer/failures.js";

export interface TrlFailureContext {
  configPath: string;
  forceOption: string;
  /** The TRL version that ran, when known. */
  version?: string;
}

const PATTERNS: Array<FailurePattern<TrlFailureContext>> = [
  {
    id: "unknown-keys",
    // TrlParser (trl/scripts/utils.py parse_args_and_config) and HfArgumentParser.
    test: /Unknown arguments from config file: (\[[^\]]*\])|Some specified arguments are not used by the HfArgumentParser: (\[[^\]]*\])/,
    summary: (m) => `TRL rejected unknown keys ${m[1] ?? m[2]}`,
    hint: (at) =>
      at.version
        ? `TRL ${at.version} does not know these keys; remove them from ${at.configPath}.args or install a TRL that has them`
        : `the installed TRL does not know these keys; state tools.trl.version so pre-flight checks them, or remove them from ${at.configPath}.args`,
  },
  {
    id: "dataset-format",
    test: /KeyError: '(messages|prompt|completion|text)'|Unable to find '([^']+)'|Couldn't find a dataset script at (\S+)/,
    summary: (m) => (m[1] ? `a converted record has no "${m[1]}" field` : `TRL could not load the dataset ${m[2] ?? m[3]}`),
    hint: (at) => `check ${at.configPath}.datasets and ${at.configPath}.dataset_files (paths and alpaca/sharegpt columns)`,
  },
  {
    id: "bad-checkpoint",
    test: /Can't find a valid checkpoint at (\S+)/,
    summary: (m) => `cannot resume from ${m[1]}`,
    hint: (at) => `run with ${at.forceOption} to start over (the old output is moved aside, not deleted)`,
  },
  {
    id: "accelerate-config",
    test: /accelerate.*(?:config file|config_file).*(?:not found|does not exist)|FileNotFoundError: .*accelerate/i,
    summary: () => "accelerate could not read the launch config",
    hint: (at) => `check ${at.configPath}.accelerate_config names a config the installed TRL ships (zero3, multi_gpu, …)`,
  },
  {
    id: "cuda-oom",
    test: CUDA_OOM,
    summary: () => "a GPU ran out of memory",
    hint: (at) => `lower ${at.configPath}.args.per_device_train_batch_size or max_length, or use deepspeed zero3 or zero3_offload`,
  },
  {
    id: "nccl-timeout",
    test: NCCL_TIMEOUT,
    summary: () => "a collective operation between GPUs/nodes timed out (NCCL)",
    hint: () => "check the network between nodes and cluster.master_addr/master_port; slow preprocessing on rank 0 also causes this (raise ddp_timeout)",
  },
  {
    id: "host-oom",
    test: RANK_SIGKILL,
    summary: () => "a training process was killed (SIGKILL), most often by the host's out-of-memory killer",
    hint: () => "lower dataset_num_proc or dataloader workers, or use a machine with more RAM",
  },
];

export function classifyTrlFailure(logText: string, at: TrlFailureContext): FailureCause | undefined {
  return classifyWith(PATTERNS, logText, at);
}
