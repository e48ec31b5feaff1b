// Splits the GPUs into disjoint groups, one vLLM server per group, each on its own port
// (vLLM 0.8.2 has no online data parallelism; N servers with a round-robin client are faster for 7B).

import { PreflightError } from "../../errors.js";
import { VLLM_DEFAULTS } from "./defaults.js";
import { findFreePorts, isPortFree } from "./ports.js";
import { renderServe, type ServeCommand, type ServeOptions } from "./render.js";

export interface ReplicaPlanOptions {
  /** GPU ids available to this stage, e.g. [0..7]. */
  gpus: number[];
  tensorParallelSize?: number;
  /** Default: as many as fit. */
  replicas?: number;
  host?: string;
  /** Replica i gets basePort + i; default: free ports. */
  basePort?: number;
  /** The stage that runs the servers, named in errors. */
  stage: string;
  /** Dotted config path problems name keys under (e.g. "stages.deploy"). */
  configKey: string;
}

export interface ReplicaPlan {
  index: number;
  gpus: number[];
  cudaVisibleDevices: string;
  port: number;
}

export async function planReplicas(options: ReplicaPlanOptions): Promise<ReplicaPlan[]> {
  const key = options.configKey;
  const tp = options.tensorParallelSize ?? VLLM_DEFAULTS.tensorParallelSize;
  const gpus = [...new Set(options.gpus)];
  const fit = Math.floor(gpus.length / tp);
  const replicas = options.replicas ?? fit;
  if (gpus.length !== options.gpus.length) throw new PreflightError(options.stage, [{ path: `${key}.gpus`, message: "lists a GPU twice" }]);
  if (replicas < 1 || replicas > fit) {
    throw new PreflightError(options.stage, [
      { path: `${key}.replicas`, message: `${replicas} replica(s) × tensor parallel size ${tp} needs ${replicas * tp} GPUs, ${gpus.length} available` },
    ]);
  }
  const host = options.host ?? VLLM_DEFAULTS.host;
  let ports: number[];
  if (options.basePort === undefined) ports = await findFreePorts(host, replicas);
  else {
    ports = Array.from({ length: replicas }, (_, i) => options.basePort! + i);
    const busy: number[] = [];
    for (const p of ports) if (!(await isPortFree(host, p))) busy.push(p);
    if (busy.length) throw new PreflightError(options.stage, [{ path: `${key}.port`, message: `port(s) ${busy.join(", ")} on ${host} already in use` }]);
  }
  return ports.map((port, index) => {
    const group = gpus.slice(index * tp, (index + 1) * tp);
    return { index, gpus: group, cudaVisibleDevices: group.join(","), port };
  });
}

/** One ServeCommand per replica: same model and flags, own GPUs and port. */
export async function renderReplicas(serve: Omit<ServeOptions, "gpus" | "port">, plan: readonly ReplicaPlan[]): Promise<ServeCommand[]> {
  const out: ServeCommand[] = [];
  for (const r of plan) out.push(await renderServe({ ...serve, tensorParallelSize: r.gpus.length, gpus: r.gpus, port: r.port }));
  return out;
}
