// The write-ahead launch record and restarts after crashes, through the real CLI with the stand-in llamafactory-cli.
// DIANJIN_CRASH_AT makes the CLI SIGKILL itself between two ordered steps of a launch.
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLI, cli, cliEnv, makeExperiment, processesMentioning, stageState, waitFor } from "../helpers/cli.js";

const SLOW = { LF_STANDIN_STEP_MS: "120" };

async function allLogs(workdir: string): Promise<string> {
  const dir = join(workdir, "sft/logs");
  const names = await readdir(dir);
  return (await Promise.all(names.map((n) => readFile(join(dir, n), "utf8")))).join("\n");
}

/** Trainer processes (the stand-in's leader and ranks) of this experiment alive right now. */
const trainers = (dir: string) => processesMentioning(join(dir, "runs/sft/rendered/train.yaml"));

describe("crash consistency: launches", () => {
  it("a CLI killed right after spawning the trainer: the rerun finds it by its launch id and reattaches, never a second trainer", async () => {
    const exp = await makeExperiment();
    // Training holds until the gate file exists, so the orphan is surely alive when the rerun looks for it.
    const gate = join(exp.dir, "gate");
    const env = { LF_STANDIN_WAIT_FOR: gate };
    const crashed = await cli(["run", exp.file], { env: { ...env, DIANJIN_CRASH_AT: "after-spawn" } });
    expect(crashed.signal).toBe("SIGKILL");
    const s = await stageState(exp);
    expect(s.status).toBe("launching");
    expect(s.job).toBeUndefined();
    expect(s.launch.id).toMatch(/^dianjin-sft-[0-9a-f]{12}$/);
    await waitFor(async () => (await trainers(exp.dir)).length > 0, 20_000, "the orphaned trainer");

    const plan = await cli(["plan", exp.file], { env });
    expect(plan.stdout).toMatch(/reattaching to pid \d+ \(started \d\d:\d\d\), found by its launch id/);
    const again = execa(process.execPath, [CLI, "run", exp.file], { env: cliEnv(env), extendEnv: false, reject: false, all: true });
    let seen = "";
    again.stderr!.on("data", (chunk: Buffer) => (seen += chunk.toString()));
    await waitFor(async () => /reattaching to pid \d+/.test(seen), 30_000, "the rerun to reattach");
    await writeFile(gate, "");
    const result = await again;
    expect(result.exitCode, result.all).toBe(0);
    expect((await allLogs(exp.workdir)).match(/Running training/g)).toHaveLength(1);
    expect(await stageState(exp)).toMatchObject({ status: "completed", attempts: 1 });
  });

  it("a CLI killed after writing the intent but before spawning: the rerun finds nothing alive and launches", async () => {
    const exp = await makeExperiment();
    const crashed = await cli(["run", exp.file], { env: { DIANJIN_CRASH_AT: "after-intent" } });
    expect(crashed.signal).toBe("SIGKILL");
    expect((await stageState(exp)).status).toBe("launching");
    expect(await trainers(exp.dir)).toEqual([]);
    const again = await cli(["run", exp.file]);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/left no running job/);
    expect((await allLogs(exp.workdir)).match(/Running training/g)).toHaveLength(1);
  });

  it("`cancel` ends a trainer known only by its launch id", async () => {
    const exp = await makeExperiment();
    await cli(["run", exp.file], { env: { ...SLOW, DIANJIN_CRASH_AT: "after-spawn" } });
    expect((await trainers(exp.dir)).length).toBeGreaterThan(0);
    const cancelled = await cli(["cancel", exp.file]);
    expect(cancelled.exitCode).toBe(0);
    expect(cancelled.stderr).toMatch(/cancelled sft \(local job \d+\)/);
    await waitFor(async () => (await trainers(exp.dir)).length === 0, 20_000, "the trainer to end");
    expect(await stageState(exp)).toMatchObject({ status: "cancelled", failure: { summary: "cancelled by dianjin-train cancel" } });
  });

  it("status never reports a trainer that died unwatched as running", async () => {
    const exp = await makeExperiment();
    await cli(["run", exp.file], { env: { ...SLOW, DIANJIN_CRASH_AT: "after-record" } });
    const s = await stageState(exp);
    expect(s.status).toBe("running");
    process.kill(-Number(s.job.id), "SIGKILL");
    await waitFor(async () => (await trainers(exp.dir)).length === 0, 20_000, "the trainer to die");
    const status = await cli(["status", exp.file]);
    expect(status.stdout).toMatch(/sft\s+was running, ended while no CLI watched/);
    const json = JSON.parse((await cli(["status", exp.file, "--json"])).stdout);
    expect(json.stages.sft).toMatchObject({ status: "ended-unobserved", recorded: "running", alive: false });
    const plan = await cli(["plan", exp.file]);
    expect(plan.stdout).toMatch(/pid \d+ ended while no CLI watched/);
  });

  it("a crash before the first complete checkpoint: the rerun starts again and keeps the half checkpoint aside", async () => {
    const exp = await makeExperiment();
    const crashed = await cli(["run", exp.file], { env: { LF_STANDIN_HALF_CHECKPOINT_AT: "5" } });
    expect(crashed.exitCode).toBe(1);
    const again = await cli(["run", exp.file]);
    expect(again.stderr).not.toMatch(/internal error|ENOENT/);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/before any complete checkpoint; starting again; setting aside incomplete checkpoint 5/);
    const aside = await readdir(join(exp.workdir, "sft/set-aside"));
    const restart = aside.find((n) => n.startsWith("output.restart-"));
    expect(restart).toBeDefined();
    expect(await readdir(join(exp.workdir, "sft/set-aside", restart!))).toContain("checkpoint-5");
    expect((await stageState(exp)).status).toBe("completed");
  });
});
