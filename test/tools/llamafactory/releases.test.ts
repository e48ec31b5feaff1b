// LLaMA-Factory keys checked against the release the user has.
import { describe, expect, it } from "vitest";
import { checkLlamaFactoryArgs, llamafactoryKeysNeedingVersion } from "../../../src/tools/llamafactory/keys.js";
import { llamafactoryReleaseKeys } from "../../../src/tools/llamafactory/releases.js";

describe("checkLlamaFactoryArgs for a release", () => {
  it("enable_thinking (from 0.9.3) fails for 0.9.1 with 'added in 0.9.3' and passes for 0.9.3", () => {
    const problems = checkLlamaFactoryArgs({ enable_thinking: true }, "stages.sft.args", "0.9.1");
    expect(problems).toEqual([
      { path: "stages.sft.args.enable_thinking", message: expect.stringMatching(/LLaMA-Factory 0\.9\.1: enable_thinking was added in 0\.9\.3/) },
    ]);
    expect(checkLlamaFactoryArgs({ enable_thinking: true }, "stages.sft.args", "0.9.3")).toEqual([]);
  });

  it("a key a later release dropped fails for it with 'removed in'", () => {
    const problems = checkLlamaFactoryArgs({ use_cache: true }, "a", "0.9.4");
    expect(problems[0]!.message).toMatch(/use_cache was removed in 0\.9\.4/);
    expect(checkLlamaFactoryArgs({ use_cache: true }, "a", "0.9.3")).toEqual([]);
  });

  it("transformers' own keys are accepted by every release, with their types", () => {
    for (const release of ["0.9.0", "0.9.5"]) {
      expect(checkLlamaFactoryArgs({ learning_rate: 1e-5, overwrite_output_dir: false, bf16: true }, "a", release)).toEqual([]);
      expect(checkLlamaFactoryArgs({ learning_rate: "1e-5" }, "a", release)[0]!.message).toMatch(/expected number, got string/);
    }
  });

  it("choices come from the release's Literal annotation", () => {
    expect(llamafactoryReleaseKeys("0.9.0").finetuning_type!.choices).toEqual(["lora", "freeze", "full"]);
    expect(checkLlamaFactoryArgs({ finetuning_type: "oft" }, "a", "0.9.0")[0]!.message).toMatch(/"oft" is not one of lora, freeze, full/);
  });
});

describe("llamafactoryKeysNeedingVersion", () => {
  it("flags keys only some releases accept, naming them, and leaves common keys alone", () => {
    const problems = llamafactoryKeysNeedingVersion(
      { enable_thinking: true, cutoff_len: 1024, learning_rate: 1e-5 },
      "stages.sft.args",
      "the version is not known",
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      path: "stages.sft.args.enable_thinking",
      message: expect.stringMatching(/only LLaMA-Factory 0\.9\.3, 0\.9\.4, 0\.9\.5 accept enable_thinking.*state tools\.llamafactory\.version/),
    });
  });
});
