// The distributed environment of an HF Trainer run: which GPUs, and the torchrun variables (LLaMA-Factory reads them
// through FORCE_TORCHRUN; TRL's `accelerate launch` reads the same machine layout from an accelerate config file).

/** The machine layout the distributed environment is computed from (the experiment's `cluster` is assignable). */
export interface TrainerCluster {
  launcher: string;
  nodes: number;
  gpus_per_node: number;
  /** GPU indices for CUDA_VISIBLE_DEVICES on a local machine. */
  gpus?: number[];
  master_addr: string;
  master_port: number;
}

/** GPUs the run uses on one node. */
export function gpuCount(cluster: TrainerCluster): number {
  return cluster.gpus?.length ?? cluster.gpus_per_node;
}

/** CUDA_VISIBLE_DEVICES on a local machine (on a cluster the scheduler picks the GPUs). */
export function visibleDevices(cluster: TrainerCluster): Record<string, string> {
  const devices = cluster.gpus ?? (cluster.launcher === "local" ? Array.from({ length: cluster.gpus_per_node }, (_, i) => i) : []);
  return devices.length ? { CUDA_VISIBLE_DEVICES: devices.join(",") } : {};
}

export function distributedEnv(cluster: TrainerCluster, useTorchrun: boolean): Record<string, string> {
  const { gpus_per_node, nodes, master_addr, master_port, launcher } = cluster;
  // On a cluster the job computes the per-node values (NODE_RANK, MASTER_ADDR) and the scheduler picks the GPUs.
  const local = launcher === "local";
  const env: Record<string, string> = visibleDevices(cluster);
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
