// Bounded input: every number finite and in range, enums the tool's own, files read only when regular and small,
// long strings, many keys and deep nesting refused at once, each problem naming file:line:column and the key.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { cli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const BASE = `name: demo
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
stages:
  sft:
    datasets: [a]
    dataset_files: { a: { path: a.json } }
`;

async function messageOf(text: string, options: { set?: string[]; extra?: Record<string, string> } = {}): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(options.extra ?? {})) await writeFile(join(dir, name), content);
  const file = join(dir, "exp.yaml");
  await writeFile(file, text.replaceAll("DIR", dir));
  const started = Date.now();
  const error = await loadExperiment(file, { env: {}, cwd: dir, ...(options.set ? { set: options.set } : {}) }).catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message.replaceAll(dir, "DIR");
}

describe("bounded numbers and enums", () => {
  it("refuses non-finite numbers anywhere, args included, and numbers out of a key's range", async () => {
    expect(await messageOf(`${BASE}    args: { cutoff_len: .inf }\n`)).toContain(
      "DIR/exp.yaml:8:25: stages.sft.args.cutoff_len: must be a finite number, got Infinity",
    );
    expect(await messageOf(`${BASE}    args: { learning_rate: .nan }\n`)).toContain("stages.sft.args.learning_rate: must be a finite number, got NaN");
    expect(await messageOf(`${BASE}    watchdog_minutes: 1.0e+300\n`)).toContain(
      "DIR/exp.yaml:8:23: stages.sft.watchdog_minutes: must be a number > 0 and ≤ 10080, got 1e+300",
    );
    expect(await messageOf(`${BASE}cluster: { gpus_per_node: 99999999 }\n`)).toContain(
      "cluster.gpus_per_node: must be a whole number from 0 to 64, got 99999999",
    );
  });

  it("adv_estimator is one of verl's registered estimators", async () => {
    const text = await messageOf(`${BASE}  grpo:\n    adv_estimator: ppo2\n`);
    expect(text).toContain("DIR/exp.yaml:9:20: stages.grpo.adv_estimator: must be one of gae, grpo, reinforce_plus_plus");
    expect(text).toContain('got "ppo2" (did you mean "opo"?)');
  });
});

describe("bounded files and shapes", () => {
  it("reads extends only as a regular file of sane size, naming the extends line", async () => {
    expect(await messageOf(`extends: /dev/zero\n${BASE}`)).toContain(
      "DIR/exp.yaml:1:10: extends: cannot read /dev/zero: it is a character device, not a regular file",
    );
    const dir = await tempDir();
    spawnSync("mkfifo", [join(dir, "fifo")]);
    expect(await messageOf(`extends: ${join(dir, "fifo")}\n${BASE}`)).toMatch(
      /exp\.yaml:1:10: extends: cannot read .*fifo: it is a named pipe \(FIFO\), not a regular file/,
    );
    expect(await messageOf(`extends: big.yaml\n${BASE}`, { extra: { "big.yaml": `a: ${"x".repeat(300_000)}\n` } })).toContain(
      "extends: cannot read DIR/big.yaml: it is 293 KiB; at most 256 KiB",
    );
    const chain = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`b${i}.yaml`, `extends: b${i + 1}.yaml\n`]));
    expect(await messageOf(`extends: b0.yaml\n${BASE}`, { extra: chain })).toContain("extends: more than 16 files in one extends chain");
  });

  it("a path the config reads must be a regular file or folder", async () => {
    expect(await messageOf(BASE.replace("deepspeed", "x").replace("datasets: [a]", "datasets: [a]\n    deepspeed: { path: /dev/zero }"))).toContain(
      "DIR/exp.yaml:7:24: stages.sft.deepspeed.path: /dev/zero is a character device, not a regular file",
    );
    expect(await messageOf(BASE.replace("path: a.json", "path: /dev/urandom"))).toContain(
      "stages.sft.dataset_files.a.path: /dev/urandom is a character device",
    );
  });

  it("refuses long strings, keys, many keys and deep nesting in linear time", async () => {
    expect(await messageOf(BASE.replace("template: qwen", `template: ${"t".repeat(100_000)}`))).toContain(
      "DIR/exp.yaml:3:54: model.template: is 100000 characters long; at most 65536",
    );
    expect(await messageOf(`${BASE}    args:\n${Array.from({ length: 5_000 }, (_, i) => `      k${i}: 1`).join("\n")}\n`)).toContain(
      "DIR/exp.yaml:9:7: stages.sft.args: has 5000 keys; at most 2000",
    );
    expect(await messageOf(`${BASE}x: ${"[".repeat(40)}${"]".repeat(40)}\n`)).toContain("nested more than 32 levels deep");
    expect(await messageOf(`${BASE}${"k".repeat(300)}: 1\n`)).toContain("is 300 characters long; at most 256");
  });
});

describe("through the CLI", () => {
  it("hostile input is an exit-2 message within seconds, never a crash", async () => {
    const dir = await tempDir();
    const file = join(dir, "exp.yaml");
    await writeFile(file, `extends: /dev/zero\n${BASE}`);
    for (const args of [
      ["plan", file],
      ["plan", file.replace("exp.yaml", "x.yaml"), "--set", "stages.sft.args.cutoff_len=.inf"],
    ]) {
      if (args[1]!.endsWith("x.yaml")) await writeFile(args[1]!, BASE);
      const started = Date.now();
      const result = await cli(args);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.exitCode, result.all).toBe(2);
      expect(result.all).not.toMatch(/internal error|\n\s+at /);
    }
  });
});
