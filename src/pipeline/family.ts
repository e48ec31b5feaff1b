// A family of experiments: the variants of one file (`variants:`/`grid:`), each a full experiment in
// `<workdir>/variants/<name>/`. Planned together, a stage whose key is the same in several variants is one piece of
// work, shown once and counted once.
import { dirname } from "node:path";
import { experimentOf, readExperimentFile, type LoadedExperiment, type LoadOptions } from "../config/load.js";
import { UsageError } from "../errors.js";
import { suggestion } from "../util/did-you-mean.js";
import { planFromLoaded, type Plan, type PlanOptions } from "./plan.js";

export interface Family {
  file: string;
  /** The family's own name and workdir (each variant's are `<name>.<variant>` and `<workdir>/variants/<variant>`). */
  name: string;
  workdir: string;
  /** Every variant the file defines, in order. */
  variants: string[];
  /** The selected variants, loaded. */
  members: Array<{ variant: string; loaded: LoadedExperiment }>;
}

export interface FamilyOptions extends LoadOptions {
  /** `--variant NAME` (repeatable): only these; default all. */
  variants?: readonly string[];
}

/** The family a file defines, with the selected variants loaded; undefined for a file of one experiment. */
export async function loadFamily(path: string, options: FamilyOptions = {}): Promise<Family | undefined> {
  const read = await readExperimentFile(path, options);
  if (!read.family) {
    if (options.variants?.length) throw new UsageError(`${read.file} has no variants; --variant is for a file with variants: or grid:`);
    return undefined;
  }
  const names = read.family.variants.map((v) => v.name);
  for (const wanted of options.variants ?? []) {
    if (!names.includes(wanted)) throw new UsageError(`no variant "${wanted}" in ${read.file}${suggestion(wanted, names)}; its variants: ${names.join(", ")}`);
  }
  const selected = options.variants?.length ? names.filter((n) => options.variants!.includes(n)) : names;
  const members = [];
  for (const variant of selected) members.push({ variant, loaded: await experimentOf(read, variant, options) });
  const first = members[0]!.loaded.config;
  return { file: read.file, name: first.name.slice(0, -(selected[0]!.length + 1)), workdir: dirname(dirname(first.workdir)), variants: names, members };
}

export interface SharedStage {
  stage: string;
  key: string;
  /** The variants whose plan has this stage with this key. */
  variants: string[];
  /** Its action in each of them (the first builds it; with the store, the others reuse it). */
  actions: Record<string, string>;
  /** Estimated GPU-hours; null when unknown or (`gpu` false) a stage that holds no GPU. */
  gpuHours: number | null;
  gpu: boolean;
}

export interface FamilyPlan {
  family: Family;
  plans: Array<{ variant: string; plan: Plan }>;
  /** Stages whose key is identical in two or more variants. */
  shared: SharedStage[];
  /** Per variant, the stages only it has (by key). */
  own: Record<string, SharedStage[]>;
  gpuHours: { family: number; separately: number; unknown: number };
}

export async function planFamily(family: Family, options: PlanOptions = {}): Promise<FamilyPlan> {
  const plans = [];
  for (const { variant, loaded } of family.members) plans.push({ variant, plan: await planFromLoaded(loaded, options) });
  const byKey = new Map<string, SharedStage>();
  for (const { variant, plan } of plans) {
    for (const s of plan.stages) {
      if (s.action === "not-selected") continue;
      const id = `${s.name}:${s.key}`;
      const gpu = s.definition.resources !== undefined;
      const entry = byKey.get(id) ?? { stage: s.name, key: s.key, variants: [], actions: {}, gpuHours: s.resources?.gpu_hours ?? null, gpu };
      entry.variants.push(variant);
      entry.actions[variant] = s.action;
      byKey.set(id, entry);
    }
  }
  const all = [...byKey.values()];
  const shared = all.filter((s) => s.variants.length > 1);
  const own = Object.fromEntries(plans.map(({ variant }) => [variant, all.filter((s) => s.variants.length === 1 && s.variants[0] === variant)]));
  return { family, plans, shared, own, gpuHours: familyGpuHours(all) };
}

/** GPU-hours of the family (a shared stage once) and of the variants run separately (once per variant). */
function familyGpuHours(stages: readonly SharedStage[]) {
  const gpuStages = stages.filter((s) => s.gpu);
  const known = gpuStages.filter((s) => s.gpuHours !== null);
  const family = known.reduce((sum, s) => sum + s.gpuHours!, 0);
  const separately = known.reduce((sum, s) => sum + s.gpuHours! * s.variants.length, 0);
  return { family, separately, unknown: gpuStages.length - known.length };
}

/** `plan --json` of a family: each variant's plan beside the shared graph. */
export function familyPlanJson(fp: FamilyPlan, variantJson: (plan: Plan) => unknown) {
  return {
    family: fp.family.name,
    workdir: fp.family.workdir,
    variants: fp.plans.map((p) => p.variant),
    shared: fp.shared,
    own: fp.own,
    gpu_hours: fp.gpuHours,
    plans: Object.fromEntries(fp.plans.map(({ variant, plan }) => [variant, variantJson(plan)])),
  };
}
