// Cross-field rules the schema cannot express. Each rule is named and returns every problem it finds.
import type { Problem } from "../errors.js";
import type { Experiment } from "./schema.js";
import { GPU_TABLE } from "../resources/gpus.js";
import { suggestion } from "../util/did-you-mean.js";

type Rule = (config: Experiment) => Problem[];

const sftDatasetsHaveFiles: Rule = (config) => {
  const sft = config.stages.sft;
  if (!sft) return [];
  // Names the data stage registers come from it.
  const built = new Set(Object.values(config.stages.data?.outputs ?? {}));
  return sft.datasets
    .filter((name) => !sft.dataset_files[name] && !built.has(name))
    .map((name) => ({
      path: `stages.sft.dataset_files.${name}`,
      message: `dataset "${name}" is listed in stages.sft.datasets but has no file; add stages.sft.dataset_files.${name}.path${config.stages.data ? " (or build it in the data stage)" : ""}`,
    }));
};

/** LLaMA-Factory splits `dataset:` on commas and reads names as keys of dataset_info.json. */
const DATASET_NAME = /^[A-Za-z0-9_.-]+$/;

const datasetNamesSplitCleanly: Rule = (config) => {
  const sft = config.stages.sft;
  if (!sft) return [];
  const named = [...sft.datasets.map((name, i) => ({ name, path: `stages.sft.datasets.${i}` })), ...Object.keys(sft.dataset_files).map((name) => ({ name, path: `stages.sft.dataset_files.${name}` }))];
  return named
    .filter(({ name }) => !DATASET_NAME.test(name))
    .map(({ name, path }) => ({ path, message: `dataset name ${JSON.stringify(name)} may hold only letters, digits, "_", "." and "-" (LLaMA-Factory splits the list on commas)` }));
};

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
  return [{ path: "cluster.gpu.type", message: `"${gpu.type}" is not in the GPU table${suggestion(gpu.type, Object.keys(GPU_TABLE))}; known: ${Object.keys(GPU_TABLE).join(", ")} (or state memory_gb and tflops_bf16)` }];
};

export const RULES: Record<string, Rule> = { gpuTypeIsKnown, datasetNamesSplitCleanly, sftDatasetsHaveFiles, gpuListMatchesCount, launcherHasItsSettings, multiNodeNeedsACluster };

export function checkRules(config: Experiment): Problem[] {
  return Object.values(RULES).flatMap((rule) => rule(config));
}
