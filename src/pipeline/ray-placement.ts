// Where a stage's job runs under `launcher: ray`, and what that cannot do. A Ray job has one entrypoint process,
// placed by Ray on one node that has the resources it reserves (`--entrypoint-num-gpus`; ray/dashboard/modules/job/
// job_manager.py schedules the supervisor actor with them). So:
//  - a torchrun stage (SFT) reserves its node's GPUs and trains on that one node: torchrun under one entrypoint cannot
//    start ranks on other nodes, so more than one node is refused before anything starts;
//  - a stage placed by Ray itself (GRPO: verl is a Ray driver that places its own workers with placement groups, the
//    way verl's docs/start/multinode.rst submits it: `ray job submit ... -- python3 -m verl.trainer.main_ppo`, with
//    no entrypoint GPUs) reserves nothing, or its driver would hold GPUs its workers need;
//  - the other job stages (merge, the vLLM server) run on one node with its GPUs.
import type { ExperimentBase } from "../contract/experiment.js";
import type { Problem } from "../errors.js";
import type { RayEntrypointResources } from "../launch/ray/launcher.js";
import { stageModule } from "../stages/registry.js";

export function rayEntrypointResources(config: ExperimentBase, stage: string): RayEntrypointResources {
  if (stageModule(stage)?.placement === "ray") return {};
  return config.cluster.gpus_per_node > 0 ? { numGpus: config.cluster.gpus_per_node } : {};
}

/** A stage that would run on fewer nodes than cluster.nodes asks for under Ray: refused, with what to do instead. */
export function rayPlacementProblems(config: ExperimentBase, stage: string): Problem[] {
  if (config.cluster.launcher !== "ray" || config.cluster.nodes <= 1 || stageModule(stage)?.placement !== "all-nodes") return [];
  return [
    {
      path: "cluster.nodes",
      message:
        `${stage} runs torchrun as the entrypoint of one Ray job, which Ray places on a single node: it cannot train on ` +
        `${config.cluster.nodes} nodes under launcher ray. Run ${stage} with launcher slurm (torchrun on every node), or on one node ` +
        `(--set cluster.nodes=1 --only ${stage}) and the other stages with ${config.cluster.nodes} nodes`,
    },
  ];
}
