// Cross-field rules the schema cannot express. Each rule is named and returns every problem it finds.
import type { Problem } from "../errors.js";
import type { Experiment } from "./schema.js";
import { GPU_TABLE } from "../resources/gpus.js";
import { suggestion } from "../util/did-you-mean.js";
import { STAGE_MODULES } from "../stages/registry.js";

type Rule = (config: Experiment) => Problem[];

const gpuListMatchesCount: Rule = (config) => {
  const { gpus, gpus_per_node } = config.cluster;
  if (!gpus || gpus.length === gpus_per_node) return [];
  return [{ path: "cluster.gpus", message: `lists ${gpus.length} GPU(s) but cluster.gpus_per_node is ${gpus_per_node}` }];
};

const launcherHasItsSettings: Rule = (config) => {
  if (config.cluster.launcher === "ray" && !config.cluster.ray) {
    return [{ path: "cluster.ray.address", message: "launcher ray needs the address of the Ray cluster" }];
  }
  return [];
};

const multiNodeNeedsACluster: Rule = (config) =>
  config.cluster.launcher === "local" && config.cluster.nodes > 1
    ? [{ path: "cluster.nodes", message: `${config.cluster.nodes} nodes need launcher slurm or ray; the local launcher runs on this machine only` }]
    : [];

const gpuTypeIsKnown: Rule = (config) => {
  const gpu = config.cluster.gpu;
  if (!gpu?.type || GPU_TABLE[gpu.type] || (gpu.memory_gb !== undefined && gpu.tflops_bf16 !== undefined)) return [];
  return [
    {
      path: "cluster.gpu.type",
      message: `"${gpu.type}" is not in the GPU table${suggestion(gpu.type, Object.keys(GPU_TABLE))}; known: ${Object.keys(GPU_TABLE).join(", ")} (or state memory_gb and tflops_bf16)`,
    },
  ];
};

export const RULES: Record<string, Rule> = { gpuTypeIsKnown, gpuListMatchesCount, launcherHasItsSettings, multiNodeNeedsACluster };

/** The experiment-wide rules, then each stage's own (in pipeline order). */
export function checkRules(config: Experiment): Problem[] {
  return [...Object.values(RULES).flatMap((rule) => rule(config)), ...STAGE_MODULES.flatMap((stage) => stage.rules?.(config) ?? [])];
}
