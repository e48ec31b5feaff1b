import { describe, expect, it } from "vitest";
import { checkTrlArgs } from "../../../src/tools/trl/keys.js";
import { resolveTrlRelease, trlReleases } from "../../../src/tools/trl/releases.js";

describe("checkTrlArgs", () => {
  it("names when TRL added or removed a key the release lacks; TrainingArguments keys pass for every release", () => {
    expect(checkTrlArgs({ torch_dtype: "bfloat16", learning_rate: 1e-5, gradient_checkpointing: true }, "a", "1.0.0")).toEqual([
      { path: "a.torch_dtype", message: "TRL 1.0.0 does not read torch_dtype (removed in 0.27.2); it would be ignored" },
    ]);
    expect(checkTrlArgs({ truncation_mode: "keep_end", dtype: "bfloat16" }, "a", "0.22.2").map((p) => p.message)).toEqual([
      "TRL 0.22.2 does not read truncation_mode (added in 1.0.0); it would be ignored",
      "TRL 0.22.2 does not read dtype (added in 0.23.1); it would be ignored",
    ]);
    expect(checkTrlArgs({ max_lenght: 1 }, "a", undefined)[0]!.message).toMatch(/reads no key "max_lenght" \(did you mean "max_length"\?\)/);
  });

  it("without a known release refuses release-dependent keys only when asked to be strict (the probe failed)", () => {
    expect(checkTrlArgs({ torch_dtype: "x" }, "a", undefined)).toEqual([]);
    expect(checkTrlArgs({ torch_dtype: "x" }, "a", undefined, true)[0]!.message).toMatch(/only some TRL releases read torch_dtype .*state tools\.trl\.version/);
  });

  it("resolves a patch or newer version to a listed release", () => {
    expect(trlReleases()[0]).toBe("0.19.1");
    expect(resolveTrlRelease("0.29.1")).toEqual({ release: "0.29.1" });
    expect(resolveTrlRelease("0.29.0")?.release).toBe("0.28.0");
  });
});

describe("the TRL quickstart against every listed TRL release", () => {
  it.each(trlReleases())("TRL %s reads every key the backend renders (contract: true throws otherwise)", async (release) => {
    const { planPipeline } = await import("../../../src/pipeline/plan.js");
    const { fileURLToPath } = await import("node:url");
    const config = fileURLToPath(new URL("../../../configs/quickstart-trl.yaml", import.meta.url));
    const plan = await planPipeline(config, { set: [`tools.trl.version=${release}`, "workdir=/tmp/dianjin-trl-never-written"], contract: true });
    const sft = plan.stages.find((s) => s.name === "sft")!;
    expect(sft.render.warnings ?? []).toEqual([]);
    expect(sft.render.argv.slice(0, 3)).toEqual(["trl", "sft", "--config"]);
  });
});
