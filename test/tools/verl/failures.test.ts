import { describe, expect, it } from "vitest";
import { classifyVerlFailure, VERL_FAILURE_IDS } from "../../../src/tools/verl/failures.js";

const HYDRA = `Could not override 'actor_rollout_ref.actor.checkpoint.contents'.
To append to your config use +actor_rollout_ref.actor.checkpoint.contents=[model,optimizer,extra]
Key 'contents' is not in struct
    full_key: actor_rollout_ref.actor.checkpoint.contents
    object_type=dict

Set the environment variable HYDRA_FULL_ERROR=1 for a complete stack trace.`;

const OOM = `\x1b[36m(WorkerDict pid=4242)\x1b[0m Traceback (most recent call last):
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.71 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.02 GiB is free.
ray.exceptions.RayTaskError(OutOfMemoryError): ray::WorkerDict.actor_rollout_update_actor() (pid=4242, ip=10.0.0.1)
The actor died unexpectedly before finishing this task.`;

describe("classifyVerlFailure", () => {
  it.each([
    [HYDRA, "hydra-unknown-key"],
    ["Could not append to config. An item is already at 'data.train_batch_size'.", "hydra-key-exists"],
    ["omegaconf.errors.MissingMandatoryValue: Missing mandatory value: actor_rollout_ref.rollout.name", "hydra-missing-value"],
    ["Ambiguous value for argument 'trainer.logger=console,file'", "hydra-bad-override"],
    ["AssertionError: real_train_batch_size (100) must be divisible by minimal possible batch size (8)", "batch-config"],
    ["(TaskRunner pid=1) RuntimeError: Error loading module from module_path='/x/reward.py'", "reward-function"],
    ["FileNotFoundError: Custom module file not found: module_path='reward.py'", "reward-function"],
    ["AssertionError: Train dataloader is empty!", "dataset-empty"],
    ["KeyError: 'ground_truth'", "dataset-schema"],
    ["FileNotFoundError: [Errno 2] No such file or directory: '/c/global_step_50/actor/model_world_size_16_rank_0.pt'", "resume-world-size"],
    ["ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization`", "vllm-kv-cache"],
    [OOM, "cuda-oom"],
    ["RuntimeError: CUDA error: out of memory at /workspace/csrc/cumem_allocator.cpp:62", "cuda-oom"],
    ["ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.", "host-oom"],
    ["[Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5, OpType=ALLREDUCE)", "nccl-timeout"],
    ["ValueError: Total available GPUs 8 is less than total desired GPUs 16", "not-enough-gpus"],
    ["Unable to register worker with raylet. Failed to read data from the socket", "ray-worker-register"],
    ["wandb.errors.UsageError: api_key not configured (no-tty). call wandb.login(key=[your_api_key])", "tracker-credentials"],
    ["ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.", "ray-actor-died"],
  ])("recognises %#", (log, id) => {
    expect(classifyVerlFailure(log, "stages.grpo").id).toBe(id);
  });

  it("names the offending key and our config path for Hydra errors", () => {
    const cause = classifyVerlFailure(HYDRA.split("\n"), "stages.grpo");
    expect(cause.summary).toContain("actor_rollout_ref.actor.checkpoint.contents");
    expect(cause.summary).toContain("'contents' is not in struct");
    expect(cause.hint).toContain("stages.grpo.overrides.actor_rollout_ref.actor.checkpoint.contents");
  });

  it("names keys under the config path it is given, never a stage of its own", () => {
    const hydra = classifyVerlFailure(HYDRA.split("\n"), "stages.rl");
    expect(hydra.hint).toContain("stages.rl.overrides.actor_rollout_ref.actor.checkpoint.contents");
    expect(hydra.hint).not.toContain("stages.grpo");
    expect(classifyVerlFailure("Unable to register worker with raylet", "stages.rl").hint).toContain("in stages.rl.overrides");
  });

  it("prefers the OOM over the Ray actor death it caused", () => {
    expect(classifyVerlFailure(OOM, "stages.grpo").id).toBe("cuda-oom");
  });

  it("falls back to unknown", () => {
    expect(classifyVerlFailure(["step:3 - critic/score/mean:0.5", "Segmentation fault"], "stages.grpo").id).toBe("unknown");
    expect(VERL_FAILURE_IDS).toContain("cuda-oom");
  });
});
