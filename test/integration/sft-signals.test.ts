// Ctrl-C ends the whole tool process tree; a killed CLI is reattached to the tool still running.
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLI, cli, cliEnv, makeExperiment, processesMentioning, readJson, stageState, waitFor } from "../helpers/cli.js";

async function logHasLines(file: string, n: number): Promise<boolean> {
  try {
    return (await readFile(file, "utf8")).trim().split("\n").length >= n;
  } catch {
    return false;
  }
}

describe("signals", () => {
  it("Ctrl-C marks the stage interrupted (exit 130) and leaves no tool process alive; the rerun resumes", async () => {
    // Two GPUs + DeepSpeed: the stand-in starts torchrun-like rank processes, so there is a tree to end.
    const exp = await makeExperiment({ cluster: "{ gpus_per_node: 2 }", deepspeed: "zero2" });
    const run = execa(process.execPath, [CLI, "run", exp.file], { env: cliEnv({ LF_STANDIN_STEP_MS: "60" }), extendEnv: false, reject: false });
    const trainYaml = join(exp.workdir, "sft/rendered/train.yaml");
    await waitFor(() => logHasLines(join(exp.workdir, "sft/output/trainer_log.jsonl"), 7), 20_000, "training to log 7 steps");
    const tree = await processesMentioning(trainYaml);
    expect(tree.length).toBe(4); // the supervisor that records the exit status, the launcher and 2 ranks
    run.kill("SIGINT");
    const result = await run;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/interrupted during stage sft; run the same command again to resume/);
    expect(await processesMentioning(trainYaml)).toEqual([]);
    expect((await stageState(exp)).status).toBe("interrupted");
    // On a loaded machine training may have passed more than one save before the SIGINT landed: the newest counts.
    const saved = (await readdir(join(exp.workdir, "sft/output"))).map((n) => Number(/^checkpoint-(\d+)$/.exec(n)?.[1])).filter((n) => n > 0);
    expect(saved.length).toBeGreaterThan(0);

    const resumed = await cli(["run", exp.file]);
    expect(resumed.exitCode).toBe(0);
    expect((await readJson<{ resumed_from: number }>(join(exp.workdir, "sft/output/standin-env.json"))).resumed_from).toBe(Math.max(...saved));
  });

  it("kill -9 of the CLI leaves the tool running; the next CLI reattaches instead of launching again", async () => {
    const exp = await makeExperiment({ records: 30 });
    // Training holds until the gate file exists, so the orphan is surely alive when the next CLI looks for it.
    const gate = join(exp.dir, "gate");
    const env = { LF_STANDIN_STEP_MS: "80", LF_STANDIN_WAIT_FOR: gate };
    const run = execa(process.execPath, [CLI, "run", exp.file], { env: cliEnv(env), extendEnv: false, reject: false });
    await waitFor(async () => (await stageState(exp).catch(() => undefined))?.status === "running", 20_000, "the trainer to be recorded");
    await waitFor(
      async () => (await readFile(join(exp.workdir, "sft/logs/attempt-1.log"), "utf8").catch(() => "")).includes("Running training"),
      20_000,
      "training to start",
    );
    const pid = Number((await stageState(exp)).job.id);
    run.kill("SIGKILL");
    await run;
    process.kill(pid, 0); // the tool is still alive

    const plan = JSON.parse((await cli(["plan", exp.file, "--json"])).stdout) as { stages: Array<{ action: string }> };
    expect(plan.stages[0]!.action).toBe("reattach");
    const rerun = execa(process.execPath, [CLI, "run", exp.file], { env: cliEnv(env), extendEnv: false, reject: false });
    let seen = "";
    rerun.stderr!.on("data", (chunk: Buffer) => (seen += chunk.toString()));
    await waitFor(async () => /reattaching to pid/.test(seen), 30_000, "the next CLI to reattach");
    await writeFile(gate, "");
    const again = await rerun;
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/reattaching to pid \d+ \(started \d\d:\d\d\)/);
    const log = await readFile(join(exp.workdir, "sft/logs/attempt-1.log"), "utf8");
    expect(log.match(/Running training/g)).toHaveLength(1); // launched once
    const state = await stageState(exp);
    expect(state).toMatchObject({ status: "completed", attempts: 1 });
  });

  it("a second run on the same workdir is refused while the first holds it", async () => {
    const exp = await makeExperiment({ records: 30 });
    const first = execa(process.execPath, [CLI, "run", exp.file], { env: cliEnv({ LF_STANDIN_STEP_MS: "50" }), extendEnv: false, reject: false });
    await waitFor(() => logHasLines(join(exp.workdir, "sft/output/trainer_log.jsonl"), 1), 20_000, "training to start");
    const second = await cli(["run", exp.file]);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/another run \(pid \d+.*\) is using/);
    expect((await first).exitCode).toBe(0);
  });
});
