// `submit` of a family on Slurm: a stage whose key is the same in several variants (and that the store keeps) is
// built by one job, in the first variant that would start it; every other variant plans it as reused and waits for
// that job (afterok) before its own chain starts. Inside that chain's first job the stage is planned again, with the
// store now holding it: `reuse`, and nothing starts for it.
import type { FamilyPlan } from "./family.js";
import type { Plan, PlannedStage } from "./plan.js";
import { storable } from "./store-decide.js";

export interface VariantChain {
  variant: string;
  /** The variant's plan, with the stages another variant's job builds turned to `reuse`. */
  plan: Plan;
  /** Those stages, and the variant whose chain builds each. */
  reuses: Array<{ stage: string; builder: string }>;
}

const STARTS = new Set<PlannedStage["action"]>(["run", "resume"]);

export function familyChains(fp: FamilyPlan): VariantChain[] {
  const shared = new Set(fp.shared.map((s) => `${s.stage}:${s.key}`));
  const builders = new Map<string, string>();
  return fp.plans.map(({ variant, plan }) => {
    const reuses: VariantChain["reuses"] = [];
    const stages = plan.stages.map((s): PlannedStage => {
      const id = `${s.name}:${s.key}`;
      // A server (and what reads it) is a process of its own variant, never stored: each variant runs its own.
      if (!STARTS.has(s.action) || !shared.has(id) || !storable(s.definition)) return s;
      const builder = builders.get(id);
      if (!builder) {
        builders.set(id, variant);
        return s;
      }
      reuses.push({ stage: s.name, builder });
      return { ...s, action: "reuse", reason: `built by variant ${builder}'s job (key ${s.key}), then reused from the store` };
    });
    return { variant, plan: { ...plan, stages }, reuses };
  });
}

/** The job ids (joined by `:`, as `--dependency=afterok:` takes them) that build what a variant reuses. */
export function builtBy(chain: VariantChain, jobOf: (variant: string, stage: string) => string | undefined): string | undefined {
  const ids = [...new Set(chain.reuses.flatMap((r) => jobOf(r.builder, r.stage) ?? []))];
  return ids.length ? ids.join(":") : undefined;
}
