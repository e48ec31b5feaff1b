// Config rules of the SFT block that the schema cannot express; checked when the experiment is loaded (exit 2).
import type { Problem } from "../../errors.js";
import type { ExperimentBase } from "../../contract/experiment.js";
import type { SftStageConfig } from "./config.js";
import type { DataStageConfig } from "../data/config.js";

/** LLaMA-Factory splits `dataset:` on commas and reads names as keys of dataset_info.json. */
const DATASET_NAME = /^[A-Za-z0-9_.-]+$/;

function datasetNamesSplitCleanly(sft: SftStageConfig): Problem[] {
  const named = [
    ...sft.datasets.map((name, i) => ({ name, path: `stages.sft.datasets.${i}` })),
    ...Object.keys(sft.dataset_files).map((name) => ({ name, path: `stages.sft.dataset_files.${name}` })),
  ];
  return named
    .filter(({ name }) => !DATASET_NAME.test(name))
    .map(({ name, path }) => ({
      path,
      message: `dataset name ${JSON.stringify(name)} may hold only letters, digits, "_", "." and "-" (LLaMA-Factory splits the list on commas)`,
    }));
}

function datasetsHaveFiles(sft: SftStageConfig, data: DataStageConfig | undefined): Problem[] {
  // Names the data stage registers come from it.
  const built = new Set(Object.values(data?.outputs ?? {}));
  return sft.datasets
    .filter((name) => !sft.dataset_files[name] && !built.has(name))
    .map((name) => ({
      path: `stages.sft.dataset_files.${name}`,
      message: `dataset "${name}" is listed in stages.sft.datasets but has no file; add stages.sft.dataset_files.${name}.path${data ? " (or build it in the data stage)" : ""}`,
    }));
}

/** A shipped accelerate config is TRL's, and brings its own DeepSpeed settings. */
function accelerateConfigFits(sft: SftStageConfig): Problem[] {
  if (sft.accelerate_config === undefined) return [];
  if (sft.backend !== "trl") return [{ path: "stages.sft.accelerate_config", message: "only the trl backend takes an accelerate config" }];
  if (sft.deepspeed !== "none")
    return [{ path: "stages.sft.deepspeed", message: `set deepspeed: none with accelerate_config "${sft.accelerate_config}" (that config decides DeepSpeed)` }];
  return [];
}

export function sftRules(config: ExperimentBase): Problem[] {
  const sft = config.stages.sft as SftStageConfig | undefined;
  if (!sft) return [];
  return [...datasetNamesSplitCleanly(sft), ...datasetsHaveFiles(sft, config.stages.data as DataStageConfig | undefined), ...accelerateConfigFits(sft)];
}
