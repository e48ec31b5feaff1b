// The Ray launcher against the stand-in `ray` CLI (test/fixtures/bin/ray), which runs entrypoints
// the way Ray's job supervisor does (list2cmdline + /bin/sh) and keeps job state in a temp dir.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/errors.js";
import { createRayCommands, createRayLauncher, type RayLauncherOptions } from "../../../src/launch/ray/index.js";
import type { JobSpec } from "../../../src/launch/types.js";
import type { JobProbe } from "../../../src/launch/watch.js";
import { tempDirs } from "../slurm/temp-dirs.js";

const newDir = tempDirs("ray-launcher-");

const RAY = resolve(import.meta.dirname, "../../fixtures/bin/ray");
const ADDRESS = "http://127.0.0.1:8265";

function setup(extra: Partial<RayLauncherOptions> = {}, env: Record<string, string> = {}) {
  const dir = newDir();
  const rayEnv = { RAY_STANDIN_STATE: join(dir, "ray-state"), ...env };
  const options: RayLauncherOptions = { address: ADDRESS, executable: RAY, env: rayEnv, pollIntervalMs: 100, ...extra };
  const launcher = createRayLauncher(options);
  const spec = (argv: string[], more: Partial<JobSpec> = {}): JobSpec => ({
    stage: "grpo",
    argv,
    env: {},
    cwd: dir,
    logFile: join(dir, "logs", "grpo.log"),
    ...more,
  });
  const rayJobList = () =>
    JSON.parse(
      execFileSync(RAY, ["job", "list", "--address", ADDRESS], { env: { ...process.env, ...rayEnv }, encoding: "utf8" }).replace(/^Job submission.*\n/, ""),
    ) as {
      submission_id: string;
      status: string;
    }[];
  const rayLogs = (id: string) => execFileSync(RAY, ["job", "logs", id, "--address", ADDRESS], { env: { ...process.env, ...rayEnv }, encoding: "utf8" });
  return { dir, options, launcher, spec, rayJobList, rayLogs };
}

describe("createRayLauncher (stand-in ray CLI)", () => {
  it("runs plain argv in the job's directory with env from the runtime env, and streams its lines", async () => {
    const { dir, launcher, spec, rayJobList } = setup();
    const job = await launcher.submit(spec(["sh", "-c", 'echo "cwd=$(pwd) stage=$STAGE_NAME"'], { env: { STAGE_NAME: "grpo" } }));
    expect(job.record).toMatchObject({ launcher: "ray", extra: { address: ADDRESS } });
    expect(job.record.id).toMatch(/^dianjin-grpo-\d{8}T\d{6}-[0-9a-f]{6}$/);
    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome).toEqual({ state: "completed", exitCode: 0, signal: null, reason: "SUCCEEDED" });
    expect(lines).toEqual([`cwd=${dir} stage=grpo`]);
    expect(readFileSync(join(dir, "logs", "grpo.log"), "utf8")).toBe(`cwd=${dir} stage=grpo\n`);
    expect(rayJobList().map((j) => j.submission_id)).toEqual([job.record.id]);
  });

  it("delivers every argv word exactly, even ones list2cmdline and sh would change", async () => {
    const { dir, launcher, spec } = setup();
    const tricky = ["trainer.logger=['console','wandb']", "a b", "$HOME", 'say "hi"', "back\\slash\\", ""];
    const lines: string[] = [];
    const job = await launcher.submit(
      spec(["node", "-e", "for (const a of process.argv.slice(1)) console.log(JSON.stringify(a)); console.log(process.cwd())", ...tricky], { cwd: join(dir) }),
    );
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome.state).toBe("completed");
    expect(lines).toEqual([...tricky.map((a) => JSON.stringify(a)), dir]);
  });

  it("passes the job's environment in a 0600 file named by --runtime-env, removed after the submission, never in argv", async () => {
    const dir = newDir();
    const rayEnv = { RAY_STANDIN_STATE: join(dir, "ray-state") };
    const seen: Array<{ args: string[]; mode?: number; text?: string }> = [];
    const real = createRayCommands({ executable: RAY, env: rayEnv });
    const commands = async (args: string[]) => {
      const at = args.indexOf("--runtime-env");
      const file = at >= 0 ? args[at + 1]! : undefined;
      seen.push({ args, ...(file ? { mode: statSync(file).mode & 0o777, text: readFileSync(file, "utf8") } : {}) });
      return real(args);
    };
    const launcher = createRayLauncher({ address: ADDRESS, commands, pollIntervalMs: 100 });
    const secret = "planted-ray-secret-5e1f";
    const job = await launcher.submit({
      stage: "grpo",
      argv: ["sh", "-c", 'echo "token=${#WANDB_API_KEY}"'],
      env: { WANDB_API_KEY: secret },
      cwd: dir,
      logFile: join(dir, "logs", "grpo.log"),
    });
    const lines: string[] = [];
    expect((await job.wait({ onLine: (l) => lines.push(l) })).state).toBe("completed");
    expect(lines).toEqual([`token=${secret.length}`]);
    const submit = seen.find((s) => s.args[1] === "submit")!;
    expect(submit.mode).toBe(0o600);
    expect(JSON.parse(submit.text!)).toMatchObject({ env_vars: { WANDB_API_KEY: secret } });
    const file = submit.args[submit.args.indexOf("--runtime-env") + 1]!;
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
    for (const call of seen) expect(call.args.join(" ")).not.toContain(secret);
  });

  it("hands out each log line once, in order, while the job runs", async () => {
    const { launcher, spec } = setup();
    const job = await launcher.submit(spec(["sh", "-c", "for i in 1 2 3 4 5 6; do echo step $i; sleep 0.15; done; printf 'no newline at end'"]));
    const lines: string[] = [];
    let ticks = 0;
    await job.wait({ onLine: (l) => lines.push(l), onTick: () => void ticks++ });
    expect(lines).toEqual(["step 1", "step 2", "step 3", "step 4", "step 5", "step 6", "no newline at end"]);
    expect(ticks).toBeGreaterThan(1);
  });

  it("reports a failed job with its exit code and Ray's message", async () => {
    const { launcher, spec } = setup();
    const job = await launcher.submit(spec(["sh", "-c", "echo 'Traceback: boom' >&2; exit 3"]));
    const lines: string[] = [];
    const outcome = await job.wait({ onLine: (l) => lines.push(l) });
    expect(outcome).toMatchObject({ state: "failed", exitCode: 3, signal: null });
    expect(outcome.reason).toMatch(/^FAILED: Job entrypoint command failed with exit code 3/);
    expect(lines).toEqual(["Traceback: boom"]);
  });

  it("stops the job on cancel()", async () => {
    const { launcher, spec, rayJobList } = setup();
    const job = await launcher.submit(spec(["sh", "-c", "echo started; sleep 60"]));
    const outcome = job.wait({ onLine: (l) => l === "started" && void job.cancel() });
    expect(await outcome).toMatchObject({ state: "cancelled", reason: "STOPPED" });
    expect(rayJobList()[0]!.status).toBe("STOPPED");
  });

  it("stops the job and reports `interrupted` when the AbortSignal fires", async () => {
    const { launcher, spec, rayJobList } = setup();
    const controller = new AbortController();
    const job = await launcher.submit(spec(["sh", "-c", "echo started; sleep 60"]));
    const outcome = await job.wait({ signal: controller.signal, onLine: (l) => l === "started" && controller.abort() });
    expect(outcome).toMatchObject({ state: "interrupted" });
    expect(rayJobList()[0]!.status).toBe("STOPPED");
  });

  it("reports `hang` and stops a job that prints nothing for watchdogMs", async () => {
    const { launcher, spec, rayJobList } = setup();
    const job = await launcher.submit(spec(["sleep", "60"], { watchdogMs: 500 }));
    expect(await job.wait()).toMatchObject({ state: "hang" });
    expect(rayJobList()[0]!.status).toBe("STOPPED");
  });

  it("reattaches from the record: watches the same job, handing out only the lines that come after", async () => {
    // Only the cluster's real address answers, so the reattaching launcher must use the record's.
    const { options, launcher, spec, rayJobList, rayLogs, dir } = setup({}, { RAY_STANDIN_ADDRESS: ADDRESS });
    // "two" comes only once the test says so (a file appears), so a loaded machine cannot reorder the steps.
    const go = join(dir, "go");
    const first = await launcher.submit(spec(["sh", "-c", `echo one; while [ ! -e ${go} ]; do sleep 0.05; done; echo two`]));
    // The CLI that submitted it dies once "one" is out; a new process reattaches from the saved record.
    while (!rayLogs(first.record.id).includes("one")) await new Promise((r) => setTimeout(r, 50));
    const record = JSON.parse(JSON.stringify(first.record));
    const again = await createRayLauncher({ ...options, address: "http://elsewhere:8265" }).reattach(record);
    expect(again?.record.id).toBe(record.id);
    writeFileSync(go, "");
    const lines: string[] = [];
    const outcome = await again!.wait({ onLine: (l) => lines.push(l) });
    expect(outcome.state).toBe("completed");
    expect(lines).toEqual(["two"]);
    // The old watcher never copied "one": it is in the stage log, once, before the reattach line.
    expect(readFileSync(record.logFile, "utf8")).toBe(`[dianjin-train] Ray job ${record.id}: output while no CLI watched\none\ntwo\n`);
    expect(rayJobList()).toHaveLength(1);
  });

  it("reattach copies the output no watcher saw into the stage log, once, before following the rest", async () => {
    const { options, launcher, spec, rayLogs, dir } = setup();
    const [go1, go2] = [join(dir, "go1"), join(dir, "go2")];
    const gate = (f: string) => `while [ ! -e ${f} ]; do sleep 0.05; done`;
    const first = await launcher.submit(spec(["sh", "-c", `echo one; ${gate(go1)}; echo two; ${gate(go2)}; echo three`]));
    // The first watcher copies "one", then its CLI dies; "two" comes while nobody watches.
    const probe = first as unknown as JobProbe;
    while (!existsSync(first.record.logFile) || !readFileSync(first.record.logFile, "utf8").includes("one")) await probe.poll();
    writeFileSync(go1, "");
    while (!rayLogs(first.record.id).includes("two")) await new Promise((r) => setTimeout(r, 50));
    const again = await createRayLauncher(options).reattach(JSON.parse(JSON.stringify(first.record)));
    writeFileSync(go2, "");
    const lines: string[] = [];
    expect((await again!.wait({ onLine: (l) => lines.push(l) })).state).toBe("completed");
    expect(lines).toEqual(["three"]);
    const id = first.record.id;
    expect(readFileSync(first.record.logFile, "utf8")).toBe(`one\n[dianjin-train] Ray job ${id}: output while no CLI watched\ntwo\nthree\n`);
  });

  it("a job that failed while nobody watched: liveness gives Ray's exit code and message, and the log gets its missed lines once", async () => {
    const { options, launcher, spec, rayJobList, dir } = setup();
    const go = join(dir, "go");
    const first = await launcher.submit(
      spec(["sh", "-c", `echo one; while [ ! -e ${go} ]; do sleep 0.05; done; echo 'torch.OutOfMemoryError: CUDA out of memory' >&2; exit 7`]),
    );
    const probe = first as unknown as JobProbe;
    while (!existsSync(first.record.logFile) || !readFileSync(first.record.logFile, "utf8").includes("one")) await probe.poll();
    writeFileSync(go, "");
    while (rayJobList()[0]!.status !== "FAILED") await new Promise((r) => setTimeout(r, 50));
    const later = createRayLauncher(options);
    const live = await later.liveness(first.record);
    expect(live).toMatchObject({ alive: false, outcome: { state: "failed", exitCode: 7 } });
    // Ray's message without the log tail it appends (that tail is in the stage log already).
    expect(!live.alive && live.outcome?.reason).toBe("FAILED: Job entrypoint command failed with exit code 7");
    await later.liveness(first.record);
    expect(readFileSync(first.record.logFile, "utf8")).toBe(
      `one\n[dianjin-train] Ray job ${first.record.id}: output while no CLI watched\ntorch.OutOfMemoryError: CUDA out of memory\n`,
    );
  });

  it("reserves the entrypoint's GPUs: the job sees them, and Ray keeps it PENDING (not silence) until its start times out", async () => {
    const { launcher, spec } = setup({ entrypointResources: () => ({ numGpus: 2 }) }, { RAY_STANDIN_NODE_GPUS: "2" });
    const lines: string[] = [];
    const ran = await launcher.submit(spec(["sh", "-c", 'echo "gpus=$CUDA_VISIBLE_DEVICES"']));
    expect((await ran.wait({ onLine: (l) => lines.push(l) })).state).toBe("completed");
    expect(lines).toEqual(["gpus=0,1"]);

    const small = setup(
      { entrypointResources: () => ({ numGpus: 8 }), pendingNoteMs: 300 },
      { RAY_STANDIN_NODE_GPUS: "4", RAY_JOB_START_TIMEOUT_SECONDS: "4" },
    );
    const waiting = await small.launcher.submit(small.spec(["true"], { watchdogMs: 300 }));
    const said: string[] = [];
    const outcome = await waiting.wait({ onLine: (l) => said.push(l) });
    // Why it waits, in Ray's words (JobInfo's PENDING message), once.
    expect(said).toEqual([
      `[dianjin-train] Ray job ${waiting.record.id} is PENDING: Job has not started yet. It may be waiting for resources (CPUs, GPUs, memory, custom resources) to become available. It may be waiting for the runtime environment to be set up.`,
    ]);
    expect(outcome).toMatchObject({ state: "failed", exitCode: null });
    expect(outcome.reason).toMatch(/^FAILED: Job supervisor actor failed to start within 4\.0 seconds/);
  });

  it("returns undefined when reattaching to a job Ray does not know", async () => {
    const { launcher, dir } = setup();
    const record = { launcher: "ray" as const, id: "dianjin-gone", logFile: join(dir, "x.log"), submittedAt: "", extra: { address: ADDRESS } };
    expect(await launcher.reattach(record)).toBeUndefined();
  });

  it("throws LaunchError when the cluster cannot be reached", async () => {
    const { launcher, spec } = setup({}, { RAY_STANDIN_DOWN: "1" });
    await expect(launcher.submit(spec(["true"]))).rejects.toThrow(LaunchError);
    await expect(launcher.submit(spec(["true"]))).rejects.toThrow(/Failed to connect/);
  });

  it("gives up with LaunchError when the cluster stops answering during the wait", async () => {
    let down = false;
    const { launcher, spec } = setup({
      commands: async (args) => {
        if (down) return { exitCode: 1, stdout: "", stderr: "ConnectionError: Failed to connect to Ray" };
        down = true;
        return { exitCode: 0, stdout: `Job '${args[5]}' submitted successfully\n`, stderr: "" };
      },
      pollIntervalMs: 1,
    });
    const job = await launcher.submit(spec(["true"]));
    await expect(job.wait()).rejects.toThrow(/lost contact with the Ray cluster/);
  });
});
