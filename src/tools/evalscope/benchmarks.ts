// Which EvalScope dataset, subset and report file each of our benchmarks maps to, per CLI era.

import type { EvalscopeEra } from "./version.js";

export type EvalscopeBenchmark = "math500" | "gpqa_diamond";

interface DatasetMapping {
  /** Name passed in --datasets. */
  dataset: string;
  /** Extra --dataset-args for this dataset, if any. */
  datasetArgs?: Record<string, unknown>;
  /** File under reports/<model_id>/. */
  reportFile: string;
}

export const EVALSCOPE_DATASETS: Record<EvalscopeEra, Record<EvalscopeBenchmark, DatasetMapping>> = {
  service: {
    math500: { dataset: "math_500", reportFile: "math_500.json" },
    // v0.x has one `gpqa` benchmark with three subsets and a 5-shot default; reasoning models are run 0-shot.
    gpqa_diamond: { dataset: "gpqa", datasetArgs: { subset_list: ["gpqa_diamond"], few_shot_num: 0 }, reportFile: "gpqa.json" },
  },
  openai_api: {
    math500: { dataset: "math_500", reportFile: "math_500.json" },
    gpqa_diamond: { dataset: "gpqa_diamond", reportFile: "gpqa_diamond.json" },
  },
};
