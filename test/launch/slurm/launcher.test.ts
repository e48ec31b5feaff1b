import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/errors.js";
import { createSlurmLauncher, type SlurmTool } from "../../../src/launch/slurm/index.js";
import type { JobSpec } from "../../../src/launch/types.js";
import { registerSecretValue } from "../../../src/util/secrets.js";
import { fakeCommands } from "./fake-commands.js";
import { tempDirs } from "./temp-dirs.js";

const newDir = tempDirs("slurm-launcher-");

function setup(states: string[], options: { sbatch?: string } = {}) {
  const dir = newDir();
  let poll = 0;
  const commands = fakeCommands((tool: SlurmTool) => {
    if (tool === "sbatch") return { stdout: options.sbatch ?? "42;main\n" };
    if (tool === "sacct") {
      const state = states[Math.min(poll++, states.length - 1)]!;
      return { stdout: state === "-" ? "" : `42|${state}\n` };
    }
    return {};
  });
  const launcher = createSlurmLauncher({ jobDir: join(dir, "jobs"), commands, pollIntervalMs: 5, useRay: (s) => s.stage === "grpo" });
  const spec: JobSpec = {
    stage: "sft",
    argv: ["llamafactory-cli", "train", "sft.yaml"],
    env: { FORCE_TORCHRUN: "1", HF_TOKEN: "hf_secret_value_123" },
    cwd: dir,
    logFile: join(dir, "logs", "sft.log"),
    nodes: 2,
    gpusPerNode: 4,
  };
  return { dir, commands, launcher, spec };
}

describe("createSlurmLauncher (scripted Slurm)", () => {
  it("writes the script, submits it, and returns the record at once", async () => {
    const { commands, launcher, spec } = setup(["RUNNING|0:0|None"]);
    const job = await launcher.submit(spec);
    expect(job.record).toMatchObject({ launcher: "slurm", id: "42", logFile: spec.logFile, extra: { cluster: "main", jobName: "dianjin-sft" } });
    const script = readFileSync(String(job.record.extra!.script), "utf8");
    expect(script).toContain("#SBATCH --nodes=2");
    expect(script).toContain("#SBATCH --gpus-per-node=4");
    expect(script).toContain("export FORCE_TORCHRUN=1");
    // Secrets stay out of the file; sbatch hands them to the job from its environment, named (only) in --export.
    expect(script).not.toContain("hf_secret_value_123");
    expect(script).not.toMatch(/^export HF_TOKEN/m);
    expect(script).toContain("#SBATCH --export=HF_TOKEN,HOME,LANG,LC_ALL,LC_CTYPE,LOGNAME,PATH,USER");
    const call = commands.calls.find((c) => c.tool === "sbatch")!;
    expect(call.args).toEqual(["--parsable", job.record.extra!.script]);
    expect(call.env).toEqual({ HF_TOKEN: "hf_secret_value_123" });
  });

  it("keeps a variable whose value came from a secret out of the script and every argv, whatever its name", async () => {
    const { commands, launcher, spec } = setup(["RUNNING|0:0|None"]);
    registerSecretValue("planted-from-secret-91ab");
    const job = await launcher.submit({ ...spec, env: { ...spec.env, TEAM_SETTING: "planted-from-secret-91ab", PLAIN: "visible" } });
    const script = readFileSync(String(job.record.extra!.script), "utf8");
    expect(script).not.toContain("planted-from-secret-91ab");
    expect(script).toContain("export PLAIN=visible");
    for (const call of commands.calls) expect(call.args.join(" ")).not.toContain("planted-from-secret-91ab");
    expect(commands.calls.find((c) => c.tool === "sbatch")!.env).toEqual({ HF_TOKEN: "hf_secret_value_123", TEAM_SETTING: "planted-from-secret-91ab" });
  });

  it("scancels on the cluster sbatch named", async () => {
    const { commands, launcher, spec } = setup(["RUNNING|0:0|None"]);
    await (await launcher.submit(spec)).cancel();
    expect(commands.calls.find((c) => c.tool === "scancel")?.args).toEqual(["-M", "main", "42"]);
  });

  it("uses the Ray script for the stages useRay picks", async () => {
    const { launcher, spec } = setup(["RUNNING|0:0|None"]);
    const job = await launcher.submit({ ...spec, stage: "grpo", argv: ["python3", "-m", "verl.trainer.main_ppo"] });
    expect(readFileSync(String(job.record.extra!.script), "utf8")).toContain("start --head");
  });

  it("follows the job to its end, streaming new log lines and ticking", async () => {
    const { commands, launcher, spec } = setup(["PENDING|0:0|Resources", "RUNNING|0:0|None", "RUNNING|0:0|None", "COMPLETED|0:0|None"]);
    const job = await launcher.submit(spec);
    appendFileSync(spec.logFile, "step 1\nstep 2\n");
    const lines: string[] = [];
    let ticks = 0;
    const outcome = await job.wait({ onLine: (l) => lines.push(l), onTick: () => void ticks++ });
    expect(outcome).toEqual({ state: "completed", exitCode: 0, signal: null, reason: "COMPLETED" });
    expect(lines).toEqual(["step 1", "step 2"]);
    expect(ticks).toBe(3);
    // sbatch answered "42;main": every later command names that cluster.
    expect(commands.calls.filter((c) => c.tool === "sacct").every((c) => c.args[0] === "-M" && c.args[1] === "main")).toBe(true);
  });

  it("skips log lines written before the job was submitted", async () => {
    const { launcher, spec } = setup(["COMPLETED|0:0|None"]);
    mkdirSync(join(spec.logFile, ".."), { recursive: true });
    writeFileSync(spec.logFile, "from an earlier attempt\n");
    const job = await launcher.submit(spec);
    appendFileSync(spec.logFile, "mine\n");
    const lines: string[] = [];
    await job.wait({ onLine: (l) => lines.push(l) });
    expect(lines).toEqual(["mine"]);
  });

  it("reports a state it does not know as `unknown`", async () => {
    const { launcher, spec } = setup(["RUNNING|0:0|None", "WEIRD_NEW_STATE|0:0|None"]);
    const outcome = await (await launcher.submit(spec)).wait();
    expect(outcome.state).toBe("unknown");
  });

  it("reports `unknown` when Slurm forgets the job", async () => {
    const { launcher, spec } = setup(["RUNNING|0:0|None", "-"]);
    const outcome = await (await launcher.submit(spec)).wait();
    expect(outcome).toMatchObject({ state: "unknown", reason: "Slurm no longer knows job 42" });
  });

  it("throws LaunchError when sbatch refuses the job", async () => {
    const dir = newDir();
    const commands = fakeCommands(() => ({ exitCode: 1, stderr: "sbatch: error: invalid partition specified: nope" }));
    const launcher = createSlurmLauncher({ jobDir: dir, commands });
    const spec: JobSpec = { stage: "sft", argv: ["true"], env: {}, cwd: dir, logFile: join(dir, "sft.log") };
    await expect(launcher.submit(spec)).rejects.toThrow(LaunchError);
    await expect(launcher.submit(spec)).rejects.toThrow(/invalid partition/);
  });

  it("gives up with LaunchError after repeated failed queries", async () => {
    const dir = newDir();
    const commands = fakeCommands((tool) =>
      tool === "sbatch" ? { stdout: "7\n" } : { exitCode: 1, stderr: "slurm_load_jobs error: Unable to contact slurm controller" },
    );
    const launcher = createSlurmLauncher({ jobDir: dir, commands, pollIntervalMs: 1 });
    const job = await launcher.submit({ stage: "sft", argv: ["true"], env: {}, cwd: dir, logFile: join(dir, "sft.log") });
    await expect(job.wait()).rejects.toThrow(/lost contact with Slurm/);
  });

  it("refuses to reattach a record from another launcher", async () => {
    const { launcher } = setup([]);
    await expect(launcher.reattach({ launcher: "local", id: "1", logFile: "/x", submittedAt: "" })).rejects.toThrow(LaunchError);
  });

  it("reattaches to a job that ended while nobody watched and reports how it ended", async () => {
    const { launcher, spec } = setup(["FAILED|3:0|NonZeroExitCode"]);
    const record = { launcher: "slurm" as const, id: "42", logFile: spec.logFile, submittedAt: new Date().toISOString() };
    const job = await launcher.reattach(record);
    expect(job?.record).toEqual(record);
    expect(await job!.wait()).toEqual({ state: "failed", exitCode: 3, signal: null, reason: "FAILED (NonZeroExitCode)" });
  });

  it("does not count time spent pending (e.g. after a requeue) against the watchdog", async () => {
    const states = ["RUNNING|0:0|None", ...Array(30).fill("REQUEUED|0:0|None"), "COMPLETED|0:0|None"];
    const { launcher, spec } = setup(states);
    const job = await launcher.submit({ ...spec, watchdogMs: 20 });
    expect((await job.wait()).state).toBe("completed");
  });
});
