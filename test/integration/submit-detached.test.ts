// `submit` under the local launcher: the pipeline goes on in a detached driver that outlives the terminal it was
// started from; a second submit while it lives starts nothing (also when two race); `cancel` ends the driver and the
// trainer; `submit` again resumes; `logs -f` follows the running stage and moves on to the next one's log.
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { execa } from "execa";
import { isOurProcess } from "../../src/launch/process-tree.js";
import {
  cli,
  killProcessesMentioning,
  CLI,
  cliEnv,
  makeExperiment,
  processesMentioning,
  readJson,
  stageState,
  waitFor,
  type Experiment,
} from "../helpers/cli.js";
import { grpoExperiment } from "../helpers/grpo-experiment.js";

interface DriverJson {
  id: string;
  pid: number;
  startTime: string;
  argv: string[];
}

const driverJson = (exp: Experiment) => readJson<DriverJson>(join(exp.workdir, "driver/driver.json"));
const alive = (pid: number) => isOurProcess(pid, undefined);

/** The drivers of this experiment alive now (by their argv: `run <its config> … --as-driver <id>`). */
async function drivers(exp: Experiment): Promise<number[]> {
  const mentioning = new Set(await processesMentioning(exp.file));
  return (await processesMentioning("--as-driver")).filter((pid) => mentioning.has(pid));
}

// Every process a test started (shell, driver, trainer) mentions its temp folder: none is left behind.
const started: string[] = [];
afterEach(async () => {
  for (const dir of started.splice(0)) await killProcessesMentioning(dir);
});

async function experiment(options: Parameters<typeof makeExperiment>[0] = {}): Promise<Experiment & { gate: string }> {
  const exp = await makeExperiment(options);
  started.push(exp.dir);
  return { ...exp, gate: join(exp.dir, "go") };
}

const running = async (exp: Experiment, stage = "sft") => {
  const s = await stageState(exp, stage).catch(() => undefined);
  return s?.status === "running" && s.job !== undefined;
};
const completed = async (exp: Experiment, stage = "sft") => (await stageState(exp, stage).catch(() => undefined))?.status === "completed";

describe("submit under the local launcher: a detached driver", () => {
  it("runs run's pre-flight first: a missing tool is exit 3 with the fix, and no driver is started", async () => {
    const exp = await experiment();
    const result = await cli(["submit", exp.file], { standins: false });
    expect(result.exitCode, result.all).toBe(3);
    expect(result.stderr).toMatch(/llamafactory is not installed or not on PATH \(looked for `llamafactory-cli`\)/);
    await expect(driverJson(exp)).rejects.toThrow(/ENOENT/);
  });

  it("survives its terminal: the shell's whole process group is hung up and killed, and the driver finishes SFT", async () => {
    const exp = await experiment();
    const out = join(exp.dir, "submit.out");
    // The terminal: a shell leading its own process group that runs `submit`, then stays like an open prompt.
    const shell = spawn("bash", ["-c", '"$1" "$2" submit "$3" >"$4" 2>&1; exec sleep 600', "terminal", process.execPath, CLI, exp.file, out], {
      env: cliEnv({ LF_STANDIN_WAIT_FOR: exp.gate }),
      stdio: "ignore",
      detached: true,
    });
    const shellGone = new Promise((done) => shell.once("exit", done));
    await waitFor(() => running(exp), 30_000, "SFT running under the driver");
    const driver = await driverJson(exp);
    expect(await alive(driver.pid)).toBe(true);
    expect(driver.pid).not.toBe(shell.pid);

    process.kill(-shell.pid!, "SIGHUP");
    process.kill(-shell.pid!, "SIGKILL");
    await shellGone;
    // Closing the terminal hangs up its session; the driver is in a session of its own, and ignores SIGHUP anyway.
    process.kill(driver.pid, "SIGHUP");
    await writeFile(exp.gate, "");
    await waitFor(async () => !(await alive(driver.pid)), 60_000, "the driver to end");
    expect((await stageState(exp)).status).toBe("completed");

    const status = await cli(["status", exp.file]);
    expect(status.stdout).toMatch(/driver {2}ended: completed \(exit 0\)/);
    const json = JSON.parse((await cli(["status", exp.file, "--json"])).stdout) as { driver: Record<string, any> };
    expect(json.driver).toMatchObject({ pid: driver.pid, alive: false, state: "ended", end: { status: "completed", exitCode: 0 } });
  });

  it("starts one driver when two submits race, reports it to a third, cancel ends driver and trainer, submit resumes", async () => {
    const exp = await experiment();
    const env = { LF_STANDIN_WAIT_FOR: exp.gate };
    const [a, b] = await Promise.all([cli(["submit", exp.file], { env }), cli(["submit", exp.file], { env })]);
    expect([a.exitCode, b.exitCode], `${a.all}\n${b.all}`).toEqual([0, 0]);
    const outs = [a.stdout, b.stdout].sort();
    expect(outs[0]).toMatch(/is running this workdir \(pid \d+\); nothing was started/);
    expect(outs[1]).toMatch(/^submitted: the pipeline runs in a detached driver, pid \d+/);
    const driver = await driverJson(exp);
    expect(await drivers(exp)).toEqual([driver.pid]);
    expect(driver.argv).toEqual(["run", exp.file, "--log-level", "info", "--log-format", "plain", "--as-driver", driver.id]);

    await waitFor(() => running(exp), 30_000, "SFT running under the driver");
    const third = await cli(["submit", exp.file], { env });
    expect(third.exitCode, third.all).toBe(0);
    expect(third.stdout).toContain(`is running this workdir (pid ${driver.pid}); nothing was started`);
    expect(await drivers(exp)).toEqual([driver.pid]);
    expect((await stageState(exp)).attempts).toBe(1);
    const status = await cli(["status", exp.file]);
    expect(status.stdout).toMatch(new RegExp(`driver {2}running \\(pid ${driver.pid}, submitted `));

    const trainer = Number((await stageState(exp)).job.id);
    expect(await alive(trainer)).toBe(true);
    const cancel = await cli(["cancel", exp.file]);
    expect(cancel.exitCode, cancel.all).toBe(0);
    expect(cancel.stderr).toContain(`cancelled the driver (pid ${driver.pid}); it cancelled sft`);
    // `cancel` returns once both are gone: nothing of this experiment is left running.
    expect(await alive(driver.pid)).toBe(false);
    expect(await alive(trainer)).toBe(false);
    expect(await processesMentioning(exp.dir)).toEqual([]);
    expect(await stageState(exp)).toMatchObject({ status: "cancelled", failure: { summary: "cancelled by dianjin-train cancel" } });
    expect((await cli(["status", exp.file])).stdout).toMatch(/driver {2}ended: interrupted \(exit 130\)/);

    await writeFile(exp.gate, "");
    const again = await cli(["submit", exp.file], { env });
    expect(again.exitCode, again.all).toBe(0);
    const second = await driverJson(exp);
    expect(second.pid).not.toBe(driver.pid);
    await waitFor(() => completed(exp), 60_000, "SFT completed by the second driver");
    await waitFor(async () => !(await alive(second.pid)), 30_000, "the second driver to end");
    expect((await stageState(exp)).attempts).toBe(2);
    expect((await cli(["status", exp.file])).stdout).toMatch(/driver {2}ended: completed \(exit 0\)/);
  });

  it("under Ray: the driver watches the Ray job; cancel ends the driver, which stops the job and records it", async () => {
    const exp = await experiment({ cluster: '{ gpus_per_node: 1, launcher: ray, ray: { address: "http://127.0.0.1:8265" } }' });
    const env = { LF_STANDIN_WAIT_FOR: exp.gate, RAY_STANDIN_STATE: join(exp.dir, "ray") };
    const submit = await cli(["submit", exp.file], { env });
    expect(submit.exitCode, submit.all).toBe(0);
    const driver = await driverJson(exp);
    await waitFor(() => running(exp), 30_000, "SFT running as a Ray job");
    const job = (await stageState(exp)).job as { launcher: string; id: string };
    expect(job.launcher).toBe("ray");

    const cancel = await cli(["cancel", exp.file], { env });
    expect(cancel.exitCode, cancel.all).toBe(0);
    expect(cancel.stderr).toContain(`cancelled the driver (pid ${driver.pid}); it cancelled sft`);
    expect(await alive(driver.pid)).toBe(false);
    const ray = await execa("ray", ["job", "status", job.id, "--address", "http://127.0.0.1:8265"], { env: cliEnv(env), extendEnv: false, reject: false });
    expect(ray.stdout).toContain(`Job '${job.id}' was stopped`);
    expect(await processesMentioning(exp.dir)).toEqual([]);
    expect(await stageState(exp)).toMatchObject({ status: "cancelled", failure: { summary: "cancelled by dianjin-train cancel" } });
  });

  it("logs -f follows the running stage, moves on to the next stage's log when it starts, and ends with the driver", async () => {
    const grpo = await grpoExperiment({ items: 32, totalEpochs: 1, saveFreq: 2 });
    started.push(grpo.dir);
    const exp = { ...grpo, gate: join(grpo.dir, "go") };
    const grpoGate = join(exp.dir, "go-grpo");
    const env = { LF_STANDIN_WAIT_FOR: exp.gate, VERL_STANDIN_WAIT_FOR: grpoGate, VERL_STANDIN_STEP_MS: "5" };
    const submit = await cli(["submit", exp.file], { env });
    expect(submit.exitCode, submit.all).toBe(0);
    await waitFor(() => running(exp), 30_000, "SFT running under the driver");

    const follow = execa(process.execPath, [CLI, "logs", exp.file, "-f"], { env: cliEnv(), extendEnv: false, reject: false });
    let printed = "";
    follow.stdout!.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    try {
      await waitFor(async () => printed.includes(`==> sft: ${join(exp.workdir, "sft/logs/attempt-1.log")} <==`), 30_000, "logs -f on SFT's log");
      await writeFile(exp.gate, "");
      await waitFor(async () => printed.includes("Total training steps:"), 60_000, "logs -f on GRPO's log");
      expect(follow.exitCode).toBeNull(); // the driver still runs (GRPO waits), so does logs -f
      await writeFile(grpoGate, "");
      const ended = await follow;
      expect(ended.exitCode, ended.stderr).toBe(0);
      expect(ended.stderr).toContain("nothing runs in");
    } finally {
      follow.kill("SIGKILL");
    }
    const sftHeader = printed.indexOf("==> sft: ");
    const sftEnd = printed.indexOf("***** train metrics *****");
    const grpoHeader = printed.indexOf(`==> grpo: ${join(exp.workdir, "grpo/logs/attempt-1.log")} <==`);
    expect(sftHeader).toBeGreaterThanOrEqual(0);
    expect(sftEnd).toBeGreaterThan(sftHeader);
    expect(grpoHeader).toBeGreaterThan(sftEnd);
    expect(printed.slice(grpoHeader)).toMatch(/step:\d+ - /);
    expect(await completed(exp, "grpo")).toBe(true);
    expect(await drivers(exp)).toEqual([]);
  });
});
