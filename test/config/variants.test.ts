// Families in the experiment file: `variants:` overlays with --set semantics, `grid:` expanded to every combination
// with readable names, each variant a full experiment in its own folder; an overlay's error names the variant, the key
// and the line that wrote it.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { familyOf, gridName } from "../../src/config/variants.js";
import { loadFamily } from "../../src/pipeline/family.js";
import { ConfigError, UsageError } from "../../src/errors.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

const BASE = `name: fam
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
stages:
  grpo:
    rl_data: { train: data/train.parquet, val: data/train.parquet }
    actor: { lr: 1.0e-6, kl_loss_coef: 0.001 }
`;

async function family(extra: string) {
  const dir = await tempDir("dianjin-variants-");
  await writeFiles(dir, { "fam.yaml": `${BASE}${extra}`, "data/train.parquet": "x" });
  return join(dir, "fam.yaml");
}

describe("variants", () => {
  it("each variant is the base with its overlay, named <family>.<variant>, in <workdir>/variants/<variant>", async () => {
    const file = await family("variants:\n  lr1: { stages.grpo.actor.lr: 1.0e-6 }\n  lr2: { stages.grpo.actor.lr: 2.0e-6 }\n");
    const fam = (await loadFamily(file, { env: {} }))!;
    expect(fam.variants).toEqual(["lr1", "lr2"]);
    expect(fam.name).toBe("fam");
    const [a, b] = fam.members.map((m) => m.loaded.config);
    expect(a!.stages.grpo!.actor.lr).toBe(1e-6);
    expect(b!.stages.grpo!.actor.lr).toBe(2e-6);
    // --set semantics: the overlay replaces one key, its siblings stay.
    expect(b!.stages.grpo!.actor.kl_loss_coef).toBe(0.001);
    expect(b!.name).toBe("fam.lr2");
    expect(b!.workdir).toBe(join(fam.workdir, "variants", "lr2"));
    expect(fam.workdir).toBe(join(file, "..", "runs"));
  });

  it("--variant selects; an unknown one is a usage error with a suggestion", async () => {
    const file = await family("variants:\n  lr1: { stages.grpo.actor.lr: 1.0e-6 }\n  lr2: { stages.grpo.actor.lr: 2.0e-6 }\n");
    expect((await loadFamily(file, { env: {}, variants: ["lr2"] }))!.members.map((m) => m.variant)).toEqual(["lr2"]);
    await expect(loadFamily(file, { env: {}, variants: ["lr3"] })).rejects.toThrow(/no variant "lr3".*lr1, lr2/);
    await expect(loadFamily(file, { env: {}, variants: ["lr3"] })).rejects.toBeInstanceOf(UsageError);
  });

  it("a command of one experiment on a family asks for --variant, and loads the one named", async () => {
    const file = await family("variants:\n  lr1: { stages.grpo.actor.lr: 1.0e-6 }\n");
    await expect(loadExperiment(file, { env: {} })).rejects.toThrow(/family of 1 experiments \(lr1\); name one with --variant NAME/);
    expect((await loadExperiment(file, { env: {}, variant: "lr1" })).config.name).toBe("fam.lr1");
  });

  it("grid: every combination, with readable folder-safe names", async () => {
    const file = await family("grid:\n  stages.grpo.actor.lr: [1.0e-6, 2.0e-6]\n  stages.grpo.actor.kl_loss_coef: [0.001, 0.01]\n");
    const fam = (await loadFamily(file, { env: {} }))!;
    expect(fam.variants).toEqual(["lr-1e-6_kl_loss_coef-0.001", "lr-1e-6_kl_loss_coef-0.01", "lr-2e-6_kl_loss_coef-0.001", "lr-2e-6_kl_loss_coef-0.01"]);
    const last = fam.members[3]!.loaded.config.stages.grpo!.actor;
    expect([last.lr, last.kl_loss_coef]).toEqual([2e-6, 0.01]);
    expect(gridName([["model", "Qwen/Qwen2.5-7B"]])).toBe("model-Qwen_Qwen2.5-7B");
  });

  it("a bad overlay value is exit 2 naming the variant, the key and the line of the overlay", async () => {
    const file = await family('variants:\n  lr1: { stages.grpo.actor.lr: 1.0e-6 }\n  lr2: { stages.grpo.actor.lr: "fast" }\n');
    const error = await loadFamily(file, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    const message = (error as ConfigError).message;
    expect(message).toMatch(new RegExp(`variant lr2: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:10:\\d+: stages\\.grpo\\.actor\\.lr:`));
    expect(message).not.toMatch(/variant lr1/);
  });

  it("an unknown key in an overlay, or one the family sets, is named with the variant", async () => {
    const unknown = await family("variants:\n  v1: { stages.grpo.actor.lrr: 1.0e-6 }\n");
    await expect(loadFamily(unknown, { env: {} })).rejects.toThrow(
      /variant v1: .*fam\.yaml:9:\d+: stages\.grpo\.actor\.lrr: unknown key \(did you mean "lr"\?\)/,
    );
    const workdir = await family("variants:\n  v1: { workdir: elsewhere }\n");
    await expect(loadFamily(workdir, { env: {} })).rejects.toThrow(/variants\.v1\.workdir: a variant cannot set workdir/);
  });

  it("shape problems of variants and grid", () => {
    expect(familyOf({ variants: [] }).problems[0]!.path).toBe("variants");
    expect(familyOf({ variants: { "bad name": {} } }).problems[0]).toMatchObject({ path: "variants.bad name" });
    expect(familyOf({ grid: { "stages.grpo.actor.lr": [] } }).problems[0]).toMatchObject({ path: "grid.stages.grpo.actor.lr" });
    expect(familyOf({ grid: { a: Array(20).fill(1), b: Array(20).fill(1) } }).problems[0]!.message).toMatch(/400 variants; at most 256/);
    expect(familyOf({ name: "x" })).toEqual({ problems: [] });
  });
});
