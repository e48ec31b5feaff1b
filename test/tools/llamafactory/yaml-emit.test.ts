import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { emitFlatYaml, formatFloat } from "../../../src/tools/llamafactory/yaml-emit.js";

const hasPyYaml = (await execa("python3", ["-c", "import yaml"], { reject: false })).exitCode === 0;

describe("formatFloat", () => {
  it.each([
    [1e-5, "1.0e-05"],
    [2.5e-6, "2.5e-06"],
    [0.03, "0.03"],
    [3, "3.0"],
    [1e9, "1.0e+09"],
    [-1.5e-4, "-1.5e-04"],
  ])("%s → %s", (x, text) => expect(formatFloat(x)).toBe(text));
});

describe("emitFlatYaml", () => {
  const entries = {
    learning_rate: 1e-5,
    warmup_ratio: 0.03,
    num_train_epochs: 3,
    bf16: true,
    template: "qwen",
    dataset: "cflue_oe_r1,cflue_mcq_r1",
    run_name: "yes",
    note: "a: b # not a comment",
    empty: null,
    report_to: ["wandb", "tensorboard"],
    path: "/data/中文/x.json",
  };

  it("quotes strings YAML 1.1 would read as something else", () => {
    const text = emitFlatYaml(entries);
    expect(text).toContain("learning_rate: 1.0e-05\n");
    expect(text).toContain('run_name: "yes"\n');
    expect(text).toContain("template: qwen\n");
  });

  // PyYAML (YAML 1.1) is what the seed-era LLaMA-Factory read configs with; 1e-5 without a dot is a string there.
  it("reads back as the same values under real PyYAML", async (ctx) => {
    ctx.skip(!hasPyYaml, "python3 has no yaml module (PyYAML)");
    const text = emitFlatYaml(entries);
    const { stdout } = await execa("python3", ["-c", "import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())))"], { input: text });
    expect(JSON.parse(stdout)).toEqual(entries);
  });

  it("a plain 1e-05 would be a string under PyYAML: the reason for the format", async (ctx) => {
    ctx.skip(!hasPyYaml, "python3 has no yaml module (PyYAML)");
    const { stdout } = await execa("python3", ["-c", "import yaml; print(type(yaml.safe_load('x: 1e-05')['x']).__name__)"]);
    expect(stdout.trim()).toBe("str");
  });
});
