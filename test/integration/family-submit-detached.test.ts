// `submit` of a family under the local launcher: one detached driver runs the family's `run` (its variants one after
// another, the shared SFT built once through the store), recorded under the family's workdir; a second submit while
// it lives starts nothing, and `status` of the family shows it.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isOurProcess } from "../../src/launch/process-tree.js";
import { cli, killProcessesMentioning, processesMentioning, readJson, waitFor, type Experiment } from "../helpers/cli.js";
import { grpoExperiment } from "../helpers/grpo-experiment.js";

interface DriverJson {
  id: string;
  pid: number;
  argv: string[];
  logFile: string;
}

const started: string[] = [];
afterEach(async () => {
  for (const dir of started.splice(0)) await killProcessesMentioning(dir);
});

async function grpoFamily(): Promise<Experiment> {
  const exp = await grpoExperiment({
    items: 32,
    totalEpochs: 1,
    saveFreq: 2,
    top: "variants:\n  lr1: { stages.grpo.actor.lr: 1.0e-6 }\n  lr2: { stages.grpo.actor.lr: 2.0e-6 }",
  });
  started.push(exp.dir);
  return exp;
}

const stage = async (exp: Experiment, variant: string, name: string) =>
  (await readJson<{ stages: Record<string, { status: string }> }>(join(exp.workdir, "variants", variant, "state.json")).catch(() => undefined))?.stages[name];

describe("submit of a family under the local launcher", () => {
  it("one detached driver runs every variant; a second submit starts nothing; SFT trains once, GRPO once per variant", async () => {
    const exp = await grpoFamily();
    const gate = join(exp.dir, "go");
    const env = { LF_STANDIN_WAIT_FOR: gate, VERL_STANDIN_STEP_MS: "5" };
    const submit = await cli(["submit", exp.file], { env });
    expect(submit.exitCode, submit.all).toBe(0);
    expect(submit.stdout).toMatch(/^submitted: the pipeline runs in a detached driver, pid \d+/);
    // The driver's record is the family's, under its workdir; its run covers every variant.
    const driver = await readJson<DriverJson>(join(exp.workdir, "driver/driver.json"));
    expect(driver.argv.slice(0, 2)).toEqual(["run", exp.file]);
    expect(driver.argv).not.toContain("--variant");

    await waitFor(async () => (await stage(exp, "lr1", "sft"))?.status === "running", 30_000, "lr1's SFT running under the driver");
    const again = await cli(["submit", exp.file], { env });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain(`is running this workdir (pid ${driver.pid}); nothing was started`);
    const status = await cli(["status", exp.file]);
    expect(status.stdout).toMatch(new RegExp(`family \\S+ .*\\n.*driver {2}running \\(pid ${driver.pid}, submitted `));

    await writeFile(gate, "");
    await waitFor(async () => !(await isOurProcess(driver.pid, undefined)), 120_000, "the driver to end");
    for (const v of ["lr1", "lr2"]) expect((await stage(exp, v, "grpo"))?.status).toBe("completed");
    const log = await readFile(join(exp.workdir, driver.logFile), "utf8");
    expect(log.match(/sft: running/g) ?? [], log).toHaveLength(1);
    expect(log.match(/grpo: running/g) ?? [], log).toHaveLength(2);
    expect((await cli(["status", exp.file])).stdout).toMatch(/driver {2}ended/);
  });

  it("cancel of the family ends its driver first, which records the running variant's stage cancelled by dianjin-train cancel", async () => {
    const exp = await grpoFamily();
    const env = { LF_STANDIN_WAIT_FOR: join(exp.dir, "go") };
    const submit = await cli(["submit", exp.file], { env });
    expect(submit.exitCode, submit.all).toBe(0);
    const driver = await readJson<DriverJson>(join(exp.workdir, "driver/driver.json"));
    await waitFor(async () => (await stage(exp, "lr1", "sft"))?.status === "running", 30_000, "lr1's SFT running under the driver");
    const cancel = await cli(["cancel", exp.file]);
    expect(cancel.exitCode, cancel.all).toBe(0);
    expect(cancel.stderr).toContain(`cancelled the family's driver (pid ${driver.pid})`);
    expect(await isOurProcess(driver.pid, undefined)).toBe(false);
    expect(await processesMentioning(exp.dir)).toEqual([]);
    expect(await stage(exp, "lr1", "sft")).toMatchObject({ status: "cancelled", failure: { summary: "cancelled by dianjin-train cancel" } });
    expect(await stage(exp, "lr2", "sft")).toBeUndefined();
  });
});
