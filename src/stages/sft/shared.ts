// What every SFT backend reads the same way: the options with the data stage's files filled in, the DeepSpeed
// choice, the model folder, and the checks on them that do not depend on the tool.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Problem } from "../../errors.js";
import type { StageContext } from "../../contract/stage.js";
import type { SftStageConfig } from "./config.js";
import { dataStageOutputs } from "../data/outputs.js";
import { isPromised } from "../../contract/promised.js";
import { pathExists } from "../../util/path-exists.js";
import { checkDatasetFile } from "../../tools/llamafactory/datasets.js";
import { hfRestart, type HfRestart } from "../../tools/hf-trainer/restart.js";
import { sftEstimator, type SftFixKeys, type SftInputs } from "../../resources/estimate-sft.js";
import { resolveModel } from "../../resources/model-dims.js";
import type { StageResources } from "../../resources/types.js";
import type { SftTraining } from "../../resources/inputs.js";

/** The SFT options, with the files of datasets the data stage builds filled in from its outputs. */
export function sftConfig(ctx: StageContext<SftStageConfig>): SftStageConfig {
  const sft = ctx.stage;
  const built: Record<string, string | undefined> = dataStageOutputs.of(ctx) ?? {};
  const missing = sft.datasets.filter((name) => !sft.dataset_files[name] && built[name]);
  if (!missing.length) return sft;
  const fromData = Object.fromEntries(missing.map((name) => [name, { path: built[name]!, formatting: "alpaca" as const }]));
  return { ...sft, dataset_files: { ...sft.dataset_files, ...fromData } };
}

export function usesDeepspeed(sft: SftStageConfig): boolean {
  return sft.deepspeed !== "none";
}

export function deepspeedStage(sft: SftStageConfig): number | undefined {
  if (typeof sft.deepspeed !== "string") return undefined;
  return sft.deepspeed.startsWith("zero3") ? 3 : sft.deepspeed.startsWith("zero2") ? 2 : undefined;
}

export function looksLocal(path: string): boolean {
  return path.startsWith("/") || path.startsWith("./") || path.startsWith("../");
}

/** Files the stage reads whatever the tool: the datasets, the user's DeepSpeed JSON, a local model's config. */
export function sftInputFiles(ctx: StageContext, sft: SftStageConfig): string[] {
  return [
    ...sft.datasets.map((d) => sft.dataset_files[d]?.path).filter((p): p is string => !!p),
    ...(typeof sft.deepspeed === "object" ? [sft.deepspeed.path] : []),
    ...(looksLocal(ctx.config.model.base) ? [join(ctx.config.model.base, "config.json")] : []),
  ];
}

/** Data files, the DeepSpeed JSON, the model folder and GPUs: checked the same for every backend. */
export async function commonPreflight(ctx: StageContext, sft: SftStageConfig): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const name of sft.datasets) {
    const file = sft.dataset_files[name];
    // A file the data stage builds in this run is checked when it exists (the per-stage pre-flight before launch).
    if (file && !isPromised(ctx, file.path)) problems.push(...(await checkDatasetFile(name, file, `stages.sft.dataset_files.${name}.path`)));
  }
  if (typeof sft.deepspeed === "object") {
    try {
      JSON.parse(await readFile(sft.deepspeed.path, "utf8"));
    } catch (error) {
      problems.push({ path: "stages.sft.deepspeed.path", message: `cannot read a DeepSpeed JSON there: ${(error as Error).message}` });
    }
  }
  const base = ctx.config.model.base;
  if (looksLocal(base) && !(await pathExists(join(base, "config.json")))) {
    problems.push({ path: "model.base", message: `${base} is not a model folder (no config.json)` });
  }
  if (usesDeepspeed(sft) && ctx.config.cluster.gpus_per_node === 0) {
    problems.push({ path: "cluster.gpus_per_node", message: "DeepSpeed training needs at least one GPU" });
  }
  return problems;
}

/** The estimator on `sft`'s data and DeepSpeed choice, training as the backend states it (its tool's defaults); fixes name `keys`. */
export async function estimateWith(ctx: StageContext, sft: SftInputs["sft"], training: SftTraining, keys: SftFixKeys): Promise<StageResources | undefined> {
  if (ctx.config.cluster.gpus_per_node === 0) return undefined; // no GPUs: nothing to estimate
  const model = await resolveModel([ctx.config.model.base]);
  return model && sftEstimator(keys)({ config: ctx.config, sft, training, model, statsPath: dataStageOutputs.of(ctx)?.stats_json });
}

/** The Python that runs our helper scripts where the tool runs (`tools.python`). */
export function pythonOf(ctx: StageContext): string {
  return ctx.config.tools.python?.command?.[0] ?? "python3";
}

/** What a requeued Slurm start runs first (either backend): the newest complete checkpoint, written into the train YAML. */
export function restartFor(ctx: StageContext<SftStageConfig>, trainYaml: string, deepspeed: boolean): HfRestart {
  const { paths } = ctx;
  const python = pythonOf(ctx);
  return hfRestart({ python, renderedDir: paths.rendered, outputDir: paths.output, asideDir: paths.aside, trainYaml, deepspeed });
}
