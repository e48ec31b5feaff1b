// Which variant's chain builds a stage the family shares, and what the others reuse and wait for.
import { describe, expect, it } from "vitest";
import { builtBy, familyChains } from "../../src/pipeline/family-chain.js";
import type { FamilyPlan } from "../../src/pipeline/family.js";

const trainer = { kind: "launched", needs: [] as string[] };
const server = { kind: "service", needs: ["merge"] };
const reader = { kind: "in-process", needs: ["deploy"] };

type Stage = { name: string; key: string; action: string; definition: { kind: string; needs: string[] } };

function familyPlan(plans: Record<string, Stage[]>): FamilyPlan {
  const entries = Object.entries(plans);
  const byKey = new Map<string, string[]>();
  for (const [variant, stages] of entries) for (const s of stages) byKey.set(`${s.name}:${s.key}`, [...(byKey.get(`${s.name}:${s.key}`) ?? []), variant]);
  const shared = [...byKey.entries()].filter(([, v]) => v.length > 1).map(([id, variants]) => ({ stage: id.split(":")[0]!, key: id.split(":")[1]!, variants }));
  return { plans: entries.map(([variant, stages]) => ({ variant, plan: { workdir: `/w/${variant}`, stages } })), shared } as unknown as FamilyPlan;
}

const stage = (name: string, key: string, action = "run", definition = trainer): Stage => ({ name, key, action, definition });

describe("familyChains", () => {
  it("the first variant that would start a shared stage builds it; the others reuse it and wait for that job", () => {
    const fp = familyPlan({
      lr1: [stage("sft", "s"), stage("grpo", "g1")],
      lr2: [stage("sft", "s"), stage("grpo", "g2")],
      lr3: [stage("sft", "s"), stage("grpo", "g3")],
    });
    const chains = familyChains(fp);
    expect(chains.map((c) => c.plan.stages.map((s) => `${s.name} ${s.action}`))).toEqual([
      ["sft run", "grpo run"],
      ["sft reuse", "grpo run"],
      ["sft reuse", "grpo run"],
    ]);
    expect(chains[1]!.reuses).toEqual([{ stage: "sft", builder: "lr1" }]);
    expect(chains[1]!.plan.stages[0]!.reason).toMatch(/built by variant lr1's job/);
    const jobOf = (variant: string, name: string) => (variant === "lr1" && name === "sft" ? "101" : undefined);
    expect(builtBy(chains[2]!, jobOf)).toBe("101");
    expect(builtBy(chains[0]!, jobOf)).toBeUndefined();
  });

  it("a stage up to date in the first variant is built by the next one that would start it", () => {
    const chains = familyChains(familyPlan({ a: [stage("sft", "s", "skip")], b: [stage("sft", "s")], c: [stage("sft", "s", "resume")] }));
    expect(chains.map((c) => c.plan.stages[0]!.action)).toEqual(["skip", "run", "reuse"]);
    expect(chains[2]!.reuses).toEqual([{ stage: "sft", builder: "b" }]);
  });

  it("a shared server and what reads it are not stored: each variant runs its own", () => {
    const chains = familyChains(
      familyPlan({
        a: [stage("deploy", "d", "run", server), stage("eval", "e", "run", reader)],
        b: [stage("deploy", "d", "run", server), stage("eval", "e", "run", reader)],
      }),
    );
    expect(chains[1]!.plan.stages.map((s) => s.action)).toEqual(["run", "run"]);
    expect(chains[1]!.reuses).toEqual([]);
  });
});
