// Where a stage's tool runs, and so where it is looked for: on this machine under the local launcher; under Slurm on
// the job's node after cluster.slurm.setup (the batch script checks before the tool starts); under Ray on the cluster
// (the job's entrypoint checks first). The machine that plans and submits needs only what runs on it.
import type { Experiment } from "../config/schema.js";

export type ToolSite = "here" | "slurm-job" | "ray-cluster";

export function toolSite(config: Pick<Experiment, "cluster">): ToolSite {
  const launcher = config.cluster.launcher;
  return launcher === "slurm" ? "slurm-job" : launcher === "ray" ? "ray-cluster" : "here";
}

/** For `plan`: where `command` will be looked for. */
export function describeToolSite(config: Pick<Experiment, "cluster">, command: string): string {
  switch (toolSite(config)) {
    case "here":
      return `\`${command}\` is looked for on this machine`;
    case "slurm-job": {
      const slurm = config.cluster.slurm;
      if (slurm?.container_image) return `\`${command}\` runs inside the container image ${slurm.container_image} on the Slurm job's nodes`;
      const after = slurm?.setup?.length ? "after cluster.slurm.setup" : "(no cluster.slurm.setup)";
      return `\`${command}\` is looked for on the Slurm job's node ${after}, by the batch script before the tool starts`;
    }
    case "ray-cluster":
      return `\`${command}\` is looked for on the Ray cluster by the job's entrypoint before the tool starts`;
  }
}
