// Every way a config file can be malformed is a ConfigError (exit 2) naming file:line:column, never an internal error.
import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

const BASE = `name: demo
workdir: runs/demo
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
stages:
  sft:
    datasets: [a]
    dataset_files: { a: { path: data/a.json } }
`;

async function problemsOf(
  text: string | Buffer,
  options: { set?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<{ file: string; text: string; error: ConfigError }> {
  const dir = await tempDir();
  const file = join(dir, "exp.yaml");
  await writeFile(file, text);
  const error = await loadExperiment(file, { env: {}, ...options, cwd: dir }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return { file, text: (error as ConfigError).message, error: error as ConfigError };
}

describe("config errors with line and column", () => {
  it("an unknown alias names the alias and where it is", async () => {
    const { file, text } = await problemsOf(BASE.replace("base: Qwen/Qwen2.5-0.5B-Instruct", "base: *nope"));
    expect(text).toContain(`${file}:3:16: *nope: unknown alias *nope`);
  });

  it("a self-referencing anchor is a cycle, in the file and in --set", async () => {
    expect((await problemsOf(`${BASE}x: &a [*a]\n`)).text).toMatch(/:8:8: \*a: alias \*a refers to the node that defines &a/);
    expect((await problemsOf(BASE, { set: ["x=&a [*a]"] })).text).toContain("--set x=&a [*a]: x: alias *a refers to the node");
  });

  it("an alias bomb stops at the alias limit", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [name, prev] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
    ])
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    expect((await problemsOf(`${BASE}${levels.join("\n")}\n`)).text).toMatch(/alias bomb/);
  });

  it("a duplicate key is named by its dotted path", async () => {
    const { file, text } = await problemsOf(`${BASE}tools:\n  llamafactory:\n    env:\n      A: v\n      B: v\n      A: w\n`);
    expect(text).toContain(`${file}:13:7: tools.llamafactory.env.A: duplicate key "A"`);
  });

  it("__proto__, constructor and prototype are refused by name, in the file and in --set", async () => {
    for (const key of ["__proto__", "constructor", "prototype"]) {
      expect((await problemsOf(`${BASE}    args: { ${key}: { x: 1 } }\n`)).text).toContain(`stages.sft.args.${key}: "${key}" is not allowed as a key`);
    }
    expect((await problemsOf(BASE, { set: ["stages.__proto__.polluted=1"] })).text).toContain(
      `--set stages.__proto__.polluted=1: stages.__proto__.polluted: "__proto__" is not allowed`,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("bytes that are not UTF-8 are named with line, column, byte offset and a likely encoding", async () => {
    const gbk = Buffer.concat([Buffer.from("name: demo\nworkdir: "), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from("\n")]);
    const { file, text } = await problemsOf(gbk);
    expect(text).toContain(`${file}:2:10: the file is not UTF-8 at byte 20; it looks like GB18030`);
    const latin1 = Buffer.concat([Buffer.from("name: caf"), Buffer.from([0xe9]), Buffer.from("\n")]);
    expect((await problemsOf(latin1)).text).toMatch(/not UTF-8 at byte 9; it looks like Latin-1/);
  });

  it("malformed ${...} is an error, not kept literally; $${ stays a literal", async () => {
    for (const [value, why] of [
      ["${", "is not closed"],
      ["${}", "names no variable"],
      ["${1BAD}", "is not a variable name"],
      ["x${A:-b", "is not closed"],
    ] as const) {
      const { file, text } = await problemsOf(BASE.replace("Qwen/Qwen2.5-0.5B-Instruct", JSON.stringify(value)));
      expect(text).toContain(`${file}:3:16: model.base:`);
      expect(text).toContain(why);
    }
    const dir = await tempDir();
    await writeFiles(dir, { "exp.yaml": BASE.replace("Qwen/Qwen2.5-0.5B-Instruct", () => '"a$${b}"') });
    expect((await loadExperiment(join(dir, "exp.yaml"), { env: {} })).config.model.base).toBe("a${b}");
  });

  it("the workdir must be a creatable folder of sane length, and not empty", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { "exp.yaml": BASE, "a-file": "x" });
    const file = join(dir, "exp.yaml");
    const error = async (workdir: string) => ((await loadExperiment(file, { env: {}, set: [`workdir=${workdir}`] }).catch((e: unknown) => e)) as Error).message;
    expect(await error("")).toMatch(/workdir: /);
    expect(await error(join(dir, "a-file"))).toMatch(/workdir: .*a-file is a file, not a folder/);
    expect(await error(join(dir, "a-file/sub"))).toMatch(/workdir: cannot be created: .*a-file is a file/);
    expect(await error(`/tmp/${"a".repeat(5000)}`)).toMatch(/workdir: is 5005 characters long/);
    await expect(loadExperiment(file, { env: {}, set: [`workdir=${join(dir, "new/deeper")}`] })).resolves.toBeDefined();
  });

  it("dataset names must split cleanly for LLaMA-Factory", async () => {
    for (const name of ['"a,b"', '"a\\nb"', '"a b"']) {
      const { text } = await problemsOf(BASE.replace("datasets: [a]", `datasets: [${name}]`).replace("{ a: {", `{ ${name}: {`));
      expect(text).toMatch(/stages\.sft\.datasets\.0: dataset name .* may hold only letters/);
    }
  });
});
