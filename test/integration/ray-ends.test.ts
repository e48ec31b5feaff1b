// Under `launcher: ray`, through the real CLI with the `ray` stand-in (test/fixtures/bin/ray, written from Ray's job
// CLI) and the stand-in llamafactory-cli: however a stage's job ends — our `cancel` from a second shell, `ray job stop`
// by someone else, a crash while no CLI watched — the stage records its true end, its cause and its whole log; a
// reattached stage goes on where it was (no replayed checkpoints, its duration from the attempt's start).
import { execa, type ResultPromise } from "execa";
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, STANDIN_BIN, cli, cliEnv, makeExperiment, stageState, waitFor, type Experiment } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const ADDRESS = "http://127.0.0.1:8265";
const RAY_CLUSTER = `{ gpus_per_node: 1, launcher: ray, ray: { address: "${ADDRESS}" } }`;

async function rayExperiment(): Promise<{ exp: Experiment; env: Record<string, string> }> {
  const exp = await makeExperiment({ cluster: RAY_CLUSTER });
  return { exp, env: { RAY_STANDIN_STATE: join(await tempDir("dianjin-ray-ends-"), "ray") } };
}

function runInBackground(exp: Experiment, env: Record<string, string>, args = ["sft", exp.file]): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, [CLI, ...args], { env: cliEnv(env), extendEnv: false, reject: false, all: true });
}

async function running(exp: Experiment): Promise<Record<string, any>> {
  await waitFor(async () => existsSync(join(exp.workdir, "state.json")) && (await stageState(exp))?.status === "running", 30_000, "the job to be recorded");
  return stageState(exp);
}

function ray(args: string[], env: Record<string, string>) {
  return execa(join(STANDIN_BIN, "ray"), args, { env: cliEnv(env), extendEnv: false, reject: false });
}

describe("how a Ray stage ends, whoever ended it", () => {
  it("`cancel` from a second shell: the watching run and state both say cancelled by dianjin-train cancel", async () => {
    const { exp, env } = await rayExperiment();
    const gate = join(exp.dir, "gate");
    const run = runInBackground(exp, { ...env, LF_STANDIN_WAIT_FOR: gate });
    const s = await running(exp);
    const cancelled = await cli(["cancel", exp.file], { env });
    expect(cancelled.exitCode, cancelled.all).toBe(0);
    expect(cancelled.stderr).toContain(`cancelled sft (ray job ${s.job.id})`);
    const result = await run;
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toMatch(/cancelled by dianjin-train cancel/);
    expect(result.stderr).toMatch(/stage sft was cancelled by dianjin-train cancel/);
    expect(result.stderr).not.toMatch(/outside this run|failed|reattached/);
    expect(await stageState(exp)).toMatchObject({ status: "cancelled", failure: { id: "cancelled", summary: "cancelled by dianjin-train cancel" } });
  });

  it("`ray job stop` by someone else while a CLI watches: cancelled by someone else, with Ray's word", async () => {
    const { exp, env } = await rayExperiment();
    const gate = join(exp.dir, "gate");
    const run = runInBackground(exp, { ...env, LF_STANDIN_WAIT_FOR: gate });
    const s = await running(exp);
    expect((await ray(["job", "stop", s.job.id, "--address", ADDRESS], env)).exitCode).toBe(0);
    const result = await run;
    expect(result.exitCode, result.all).toBe(1);
    const state = await stageState(exp);
    expect(state).toMatchObject({ status: "cancelled", failure: { id: "cancelled" } });
    expect(state.failure.summary).toBe("cancelled by someone else (STOPPED)");
  });

  it("`ray job stop` while no CLI watched: status says the same, cancelled by someone else", async () => {
    const { exp, env } = await rayExperiment();
    const crashed = await cli(["sft", exp.file], { env: { ...env, LF_STANDIN_WAIT_FOR: join(exp.dir, "gate"), DIANJIN_CRASH_AT: "after-record" } });
    expect(crashed.signal).toBe("SIGKILL");
    const s = await stageState(exp);
    expect((await ray(["job", "stop", s.job.id, "--address", ADDRESS], env)).exitCode).toBe(0);
    const status = await cli(["status", exp.file], { env });
    expect(status.stdout).toMatch(/sft\s+was running, cancelled by someone else \(STOPPED\)/);
    expect(await stageState(exp)).toMatchObject({ status: "cancelled", failure: { summary: "cancelled by someone else (STOPPED)" } });
  });

  it("a crash while no CLI watched: failed with the cause from the real log, Ray's exit code, and the whole log", async () => {
    const { exp, env } = await rayExperiment();
    const gate = join(exp.dir, "gate");
    const crashed = await cli(["sft", exp.file], {
      env: { ...env, LF_STANDIN_WAIT_FOR: gate, LF_STANDIN_FAIL: "oom", LF_STANDIN_FAIL_AT_STEP: "3", DIANJIN_CRASH_AT: "after-record" },
    });
    expect(crashed.signal).toBe("SIGKILL");
    const s = await stageState(exp);
    await writeFile(gate, "");
    await waitFor(async () => (await ray(["job", "status", s.job.id, "--address", ADDRESS], env)).stdout.includes("failed"), 30_000, "the job to fail");
    const status = await cli(["status", exp.file], { env });
    expect(status.stdout).toMatch(/sft\s+was running, failed while no CLI watched — a GPU ran out of memory/);
    const state = await stageState(exp);
    expect(state).toMatchObject({ status: "failed", failure: { exitCode: 1, reason: "FAILED: Job entrypoint command failed with exit code 1" } });
    // The stage log holds what Ray holds: the start of training and the OOM line, each once.
    const log = await readFile(join(exp.workdir, s.job.logFile), "utf8");
    expect(log.match(/Running training/g)).toHaveLength(1);
    expect(log.match(/CUDA out of memory/g)).toHaveLength(1);
    expect(log).toMatch(/2\/40\n/);
  });

  it("a reattached stage announces no checkpoint saved before it, and times the stage from the attempt's start", async () => {
    const { exp, env } = await rayExperiment();
    const slow = { ...env, LF_STANDIN_STEP_MS: "150" };
    const crashed = await cli(["sft", exp.file], { env: { ...slow, DIANJIN_CRASH_AT: "after-record" } });
    expect(crashed.signal).toBe("SIGKILL");
    const output = join(exp.workdir, "sft/output");
    await waitFor(async () => existsSync(join(output, "checkpoint-10/trainer_state.json")), 60_000, "checkpoint 10");
    const before = (await readdir(output)).filter((n) => n.startsWith("checkpoint-")).map((n) => Number(n.slice("checkpoint-".length)));
    const again = await cli(["sft", exp.file], { env: slow });
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stderr).toMatch(/reattach/);
    const announced = [...(again.all ?? "").matchAll(/\[sft\] checkpoint at step (\d+)/g)].map((m) => Number(m[1]));
    for (const step of before) expect(announced).not.toContain(step);
    const state = await stageState(exp);
    const events = (await readFile(join(exp.workdir, "events.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, any>);
    const end = events.filter((e) => e.event === "stage-end" && e.stage === "sft").at(-1)!;
    expect(end.seconds).toBeGreaterThanOrEqual((Date.parse(state.endedAt) - Date.parse(state.startedAt)) / 1000 - 1);
    // The stage log has the whole run once: the output no CLI watched was copied in on reattach.
    const log = await readFile(join(exp.workdir, state.job.logFile), "utf8");
    expect(log.match(/Running training/g)).toHaveLength(1);
    for (const step of [1, 10, 40]) expect(log.match(new RegExp(`\\| ${step}/40\\n`, "g"))).toHaveLength(1);
  });
});

describe("a Ray cluster that does not share the workdir", () => {
  it("is a pre-flight problem (exit 3) named before anything ran, not a tool failure", async () => {
    const { exp, env } = await rayExperiment();
    // A `ray` in front of the stand-in: at submission the cluster's copy of the stage folder is an older one (its
    // marker names another job), as a node without the shared file system would see.
    const bin = await tempDir("dianjin-ray-unshared-");
    const marker = join(exp.workdir, "sft/.dianjin-shared-check");
    await writeFile(
      join(bin, "ray"),
      `#!/bin/sh\nif [ "$2" = submit ]; then echo dianjin-another-job > "${marker}"; fi\nexec "${join(STANDIN_BIN, "ray")}" "$@"\n`,
      { mode: 0o755 },
    );
    const result = await cli(["sft", exp.file], { env: { ...env, PATH: `${bin}:${STANDIN_BIN}:${process.env.PATH}` } });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.stderr).toMatch(/workdir not shared|is not this machine's workdir on the Ray cluster/);
    expect(result.stderr).toMatch(/file system the Ray nodes share/);
    expect(existsSync(join(exp.workdir, "sft/output/trainer_log.jsonl"))).toBe(false);
    expect(await stageState(exp)).toMatchObject({ status: "failed", failure: { id: "workdir-not-shared" } });
  });
});
