// Values given by --set: a literal secret is refused (exit 2, asking for an environment variable, never echoing the
// value); a `${VAR}` is expanded like the file's and, under a secret-named key, handled like every other secret: it
// reaches the tool through its environment only, never a written file, a printed line or an argv we start (Ray).
import { describe, expect, it } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { allFiles } from "../helpers/files.js";
import { cli, makeExperiment, ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const LITERAL = "planted-literal-8c41d2";
const HUB = "planted-hub-value-3f9e07";
const TRACKER = "planted-tracker-value-a51c";

async function expectNowhere(values: readonly string[], dirs: readonly string[], printed: readonly string[]) {
  const files = (await Promise.all(dirs.map(allFiles))).flat();
  for (const file of files) {
    const text = await readFile(file, "latin1");
    for (const value of values) expect(text, file).not.toContain(value);
  }
  for (const text of printed) for (const value of values) expect(text).not.toContain(value);
  return files;
}

describe("--set and secrets", () => {
  it("refuses a literal secret by --set or in the file with exit 2, saying to use an environment variable", async () => {
    const exp = await makeExperiment();
    const printed: string[] = [];
    for (const set of [`stages.sft.args.hub_token=${LITERAL}`, `tools.llamafactory.env.WANDB_API_KEY=${LITERAL}`, `stages.sft.args={hub_token: ${LITERAL}}`]) {
      for (const command of ["plan", "run", "sft"]) {
        const result = await cli([command, exp.file, "--set", set]);
        printed.push(result.all ?? "");
        expect(result.exitCode, result.all).toBe(2);
        expect(result.all).toMatch(/--set [\w.]+=\*\*\*: [\w.]+: is a secret written literally on the command line/);
        expect(result.all).toMatch(/export it as an environment variable and write --set '[\w.]+=\$\{[A-Z_]+\}'/);
      }
    }
    const inFile = await makeExperiment({ sft: `      hub_token: ${LITERAL}` });
    const result = await cli(["run", inFile.file]);
    printed.push(result.all ?? "");
    expect(result.exitCode, result.all).toBe(2);
    expect(result.all).toMatch(
      new RegExp(`${inFile.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: stages\\.sft\\.args\\.hub_token: is a secret written literally`),
    );
    await expectNowhere([LITERAL], [exp.workdir, inFile.workdir], printed);
  });

  it("expands ${VAR} in --set values like the file's, and names the --set when the variable is missing", async () => {
    const exp = await makeExperiment();
    const missing = await cli(["plan", exp.file, "--set", "model.base=${NOPE_NOT_SET}"]);
    expect(missing.exitCode, missing.all).toBe(2);
    expect(missing.all).toContain("--set model.base=${NOPE_NOT_SET}: model.base: environment variable NOPE_NOT_SET is not set");
    const out = join(exp.dir, "out");
    const plan = await cli(["plan", exp.file, "--out", out, "--set", "stages.sft.args.lr_scheduler_type=${SCHEDULER_FROM_ENV}"], {
      env: { SCHEDULER_FROM_ENV: "cosine_with_restarts" },
    });
    expect(plan.exitCode, plan.all).toBe(0);
    const rendered = (await Promise.all((await allFiles(out)).map((f) => readFile(f, "utf8")))).join("\n");
    expect(rendered).toContain("lr_scheduler_type: cosine_with_restarts");
    expect(rendered).not.toContain("SCHEDULER_FROM_ENV");
  });

  it("a secret given as ${VAR} by --set, run under Ray, reaches the tool by its environment and no file, line or argv", async () => {
    const exp = await makeExperiment({ cluster: '{ gpus_per_node: 1, launcher: ray, ray: { address: "http://127.0.0.1:8265" } }' });
    const state = await tempDir("dianjin-ray-state-");
    const argvLog = join(state, "argv.log");
    const env = { MY_HUB: HUB, TEAM_TRACKER: TRACKER, RAY_STANDIN_STATE: join(state, "ray"), RAY_STANDIN_ARGV_LOG: argvLog };
    const sets = ["--set", "stages.sft.args.hub_token=${MY_HUB}", "--set", "tools.llamafactory.env.WANDB_API_KEY=${TEAM_TRACKER}"];
    const printed: string[] = [];
    const plan = await cli(["plan", exp.file, "--out", join(exp.dir, "out"), ...sets], { env });
    printed.push(plan.all ?? "");
    expect(plan.exitCode, plan.all).toBe(0);
    const run = await cli(["sft", exp.file, ...sets], { env });
    printed.push(run.all ?? "");
    expect(run.exitCode, run.all).toBe(0);
    const seen = JSON.parse(await readFile(join(exp.workdir, "sft/output/standin-env.json"), "utf8")) as { HF_TOKEN_LENGTH?: number };
    expect(seen.HF_TOKEN_LENGTH).toBe(HUB.length);
    printed.push((await cli(["status", exp.file, ...sets], { env })).all ?? "");
    // The manifest's argv keeps the --set as typed: the reference, not the value.
    const manifest = await readFile(join(exp.workdir, "manifest.json"), "utf8");
    expect(manifest).toContain("${MY_HUB}");
    const files = await expectNowhere([HUB, TRACKER], [exp.dir], printed);
    expect(files.some((f) => f.endsWith("events.jsonl"))).toBe(true);
    const argvs = (await readFile(argvLog, "utf8")).trim().split("\n");
    expect(argvs.some((line) => line.includes('"submit"'))).toBe(true);
    for (const line of argvs) for (const value of [HUB, TRACKER]) expect(line).not.toContain(value);
  });
});

describe("--set errors", () => {
  it("name the --set argument and the dotted key in words, not the file's line nor zod's raw message", async () => {
    const quickstart = join(ROOT, "configs/quickstart.yaml");
    const workdir = `workdir=${await tempDir()}`;
    const cases: Array<[string, string]> = [
      ["cluster.gpus_per_node=two", '--set cluster.gpus_per_node=two: cluster.gpus_per_node: must be a whole number from 0 to 64, got "two"'],
      ["cluster.gpus_per_node=99999999", "--set cluster.gpus_per_node=99999999: cluster.gpus_per_node: must be a whole number from 0 to 64, got 99999999"],
      ["stages.sft.args.cutoff_len=.inf", "--set stages.sft.args.cutoff_len=.inf: stages.sft.args.cutoff_len: must be a finite number, got Infinity"],
      [
        "stages.sft.watchdog_minutes=1e9",
        "--set stages.sft.watchdog_minutes=1e9: stages.sft.watchdog_minutes: must be a number > 0 and ≤ 10080, got 1000000000",
      ],
      [
        "stages.sft.deepspeed=zero9",
        '--set stages.sft.deepspeed=zero9: stages.sft.deepspeed: must be one of none, zero2, zero2_offload, zero3, zero3_offload, or a mapping with path, got "zero9"',
      ],
      ["cluster.launcher=slurmm", '--set cluster.launcher=slurmm: cluster.launcher: must be one of local, slurm, ray, got "slurmm" (did you mean "slurm"?)'],
    ];
    for (const [set, expected] of cases) {
      const result = await cli(["plan", quickstart, "--set", workdir, "--set", set]);
      expect(result.exitCode, result.all).toBe(2);
      expect(result.stderr).toContain(expected);
      expect(result.stderr).not.toMatch(/quickstart\.yaml:\d+:\d+|Invalid input|expected number, received/);
    }
  });

  it("config errors in the file keep file:line:column, in the same words", async () => {
    const dir = await tempDir();
    const file = join(dir, "exp.yaml");
    await writeFile(file, "name: x\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-0.5B-Instruct }\ncluster:\n  gpus_per_node: two\n");
    const result = await cli(["plan", file]);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr).toContain(`${file}:5:18: cluster.gpus_per_node: must be a whole number from 0 to 64, got "two"`);
  });
});
