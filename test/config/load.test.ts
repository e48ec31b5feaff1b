import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

const MINIMAL = `
name: demo
workdir: runs/demo
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
stages:
  sft:
    datasets: [a]
    dataset_files: { a: { path: data/a.json } }
`;

async function loadError(dir: string, file: string, options = {}): Promise<ConfigError> {
  const error = await loadExperiment(join(dir, file), options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe("loadExperiment", () => {
  it("resolves relative paths against the file and fills defaults", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "exp.yaml": MINIMAL });
    const { config } = await loadExperiment(join(dir, "exp.yaml"));
    expect(config.workdir).toBe(join(dir, "runs/demo"));
    expect(config.stages.sft!.dataset_files.a!.path).toBe(join(dir, "data/a.json"));
    expect(config.model.template).toBe("qwen");
    expect(config.cluster.launcher).toBe("local");
    expect(config.stages.sft!.deepspeed).toBe("zero3");
    // A hub id is not a path.
    expect(config.model.base).toBe("Qwen/Qwen2.5-0.5B-Instruct");
  });

  it("lists every problem at once with dotted paths and suggestions", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      "exp.yaml": `${MINIMAL}
cluster: { gpus_per_nod: 8, nodes: -1, launcher: kubernetes }
modle: x
`,
    });
    const error = await loadError(dir, "exp.yaml");
    const byPath = Object.fromEntries(error.problems.map((p) => [p.path, p.message]));
    expect(byPath["cluster.gpus_per_nod"]).toMatch(/unknown key \(did you mean "gpus_per_node"\?\)/);
    expect(byPath["modle"]).toMatch(/did you mean "model"/);
    expect(byPath["cluster.nodes"]).toBeDefined();
    expect(byPath["cluster.launcher"]).toBeDefined();
    expect(error.exitCode).toBe(2);
    expect(error.message).not.toMatch(/at .*\.ts:\d+/); // no stack in the text
  });

  it("reports YAML syntax errors with line and column", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "bad.yaml": "name: x\nworkdir: [unclosed\nmodel: {}\n" });
    const error = await loadError(dir, "bad.yaml");
    expect(error.problems[0]!.at).toMatchObject({ file: join(dir, "bad.yaml") });
    expect(error.message).toMatch(/bad\.yaml:\d+:\d+: /);
  });

  it("says when the file is missing", async () => {
    const dir = await tempDir();
    const error = await loadError(dir, "nope.yaml");
    expect(error.problems[0]!.message).toMatch(/file not found/);
  });

  it("interpolates ${VAR} and ${VAR:-default}, and names the path of an unset variable", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "exp.yaml": MINIMAL.replace("data/a.json", '"${DATA_DIR:-fallback}/a.json"').replace("Qwen/Qwen2.5-0.5B-Instruct", '"${MODEL}"') });
    const ok = await loadExperiment(join(dir, "exp.yaml"), { env: { MODEL: "Qwen/Qwen2.5-7B-Instruct" } });
    expect(ok.config.model.base).toBe("Qwen/Qwen2.5-7B-Instruct");
    expect(ok.config.stages.sft!.dataset_files.a!.path).toBe(join(dir, "fallback/a.json"));
    // The names read with a value are recorded (a chain job is given exactly those); an unset one with a default is not.
    expect(ok.variables).toEqual(["MODEL"]);
    const withSet = await loadExperiment(join(dir, "exp.yaml"), { env: { MODEL: "m/x", NOTE: "n" }, set: ["stages.sft.args.run_note=${NOTE}"] });
    expect(withSet.variables).toEqual(["MODEL", "NOTE"]);
    const error = await loadError(dir, "exp.yaml", { env: {} });
    expect(error.problems).toMatchObject([{ path: "model.base", message: expect.stringMatching(/MODEL is not set/) }]);
  });

  it("applies --set with YAML-typed values", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "exp.yaml": MINIMAL });
    const { config } = await loadExperiment(join(dir, "exp.yaml"), {
      set: ["stages.sft.args.learning_rate=2e-5", "cluster.gpus_per_node=4", "stages.sft.datasets=[a]", "stages.sft.args.run_note=hello world"],
    });
    expect(config.stages.sft!.args.learning_rate).toBe(2e-5);
    expect(config.cluster.gpus_per_node).toBe(4);
    expect(config.stages.sft!.args.run_note).toBe("hello world");
  });

  it("rejects a malformed --set and a --set that breaks the schema", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "exp.yaml": MINIMAL });
    expect((await loadError(dir, "exp.yaml", { set: ["novalue"] })).problems[0]!.message).toMatch(/dotted.key=value/);
    expect((await loadError(dir, "exp.yaml", { set: ["cluster.gpus_per_node=eight"] })).problems[0]!.path).toBe("cluster.gpus_per_node");
  });

  it("merges an extends: base, each file's relative paths against its own folder", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      "recipes/base.yaml": `${MINIMAL}\ncluster: { gpus_per_node: 8 }\n`,
      "exps/child.yaml": "extends: ../recipes/base.yaml\nname: child\ncluster: { nodes: 1 }\n",
    });
    const { config, sources } = await loadExperiment(join(dir, "exps/child.yaml"));
    expect(config.name).toBe("child");
    expect(config.cluster.gpus_per_node).toBe(8);
    expect(config.stages.sft!.dataset_files.a!.path).toBe(join(dir, "recipes/data/a.json"));
    expect(sources).toEqual([join(dir, "exps/child.yaml"), join(dir, "recipes/base.yaml")]);
  });

  it("detects an extends loop", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n" });
    expect((await loadError(dir, "a.yaml")).problems[0]!.message).toMatch(/loops back/);
  });

  it("applies the cross-field rules", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "exp.yaml": `${MINIMAL.replace("datasets: [a]", "datasets: [a, b]")}\ncluster: { nodes: 2, gpus: [0, 1], gpus_per_node: 4 }\n` });
    const paths = (await loadError(dir, "exp.yaml")).problems.map((p) => p.path).sort();
    expect(paths).toEqual(["cluster.gpus", "cluster.nodes", "stages.sft.dataset_files.b"]);
  });
});
