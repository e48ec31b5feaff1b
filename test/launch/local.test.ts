// The local launcher's probe under the watch loop, with real child processes (node -e), no stand-in tools.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalLauncher } from "../../src/launch/local.js";
import { groupAlive } from "../../src/launch/process-tree.js";
import { exitRecordPath } from "../../src/launch/exit-record.js";
import type { Job, JobSpec } from "../../src/launch/types.js";
import { tempDirs } from "./slurm/temp-dirs.js";

const newDir = tempDirs("local-launcher-");

const local = createLocalLauncher({ pollMs: 20, graceMs: 2_000 });
const started: Job[] = [];
const launcher = {
  async submit(s: JobSpec): Promise<Job> {
    const job = await local.submit(s);
    started.push(job);
    return job;
  },
};

// Nothing this file started may outlive it, even when a test failed half-way.
afterAll(async () => {
  for (const job of started) await job.cancel().catch(() => undefined);
});

function spec(script: string, more: Partial<JobSpec> = {}): JobSpec {
  const dir = newDir();
  return { stage: "sft", argv: [process.execPath, "-e", script], env: {}, cwd: dir, logFile: join(dir, "logs", "sft.log"), ...more };
}

async function ended(job: Job): Promise<boolean> {
  return !groupAlive(Number(job.record.id));
}

describe("createLocalLauncher", () => {
  it("streams the job's lines, the unfinished last one too, and reports its exit code", async () => {
    const job = await launcher.submit(spec("console.log('step 1'); console.error('warn'); process.stdout.write('no newline'); process.exitCode = 3"));
    const lines: string[] = [];
    let ticks = 0;
    const outcome = await job.wait({ onLine: (l) => lines.push(l), onTick: () => void ticks++ });
    expect(outcome).toMatchObject({ state: "failed", exitCode: 3, signal: null });
    expect(lines.sort()).toEqual(["no newline", "step 1", "warn"]);
    // Once after the end at least: stages read their progress files then.
    expect(ticks).toBeGreaterThanOrEqual(1);
  });

  it("ends the whole process group and reports `interrupted` when the signal fires", async () => {
    const job = await launcher.submit(spec("console.log('started'); setInterval(() => {}, 1000)"));
    const controller = new AbortController();
    const outcome = await job.wait({ signal: controller.signal, onLine: (l) => l === "started" && controller.abort() });
    expect(outcome).toMatchObject({ state: "interrupted", signal: "SIGTERM" });
    expect(await ended(job)).toBe(true);
  });

  it("ends a silent job after watchdogMs and reports `hang`", async () => {
    const job = await launcher.submit(spec("console.log('started'); setInterval(() => {}, 1000)", { watchdogMs: 300 }));
    const outcome = await job.wait();
    expect(outcome).toMatchObject({ state: "hang", signal: "SIGTERM", reason: "no output for 0.005 min" });
    expect(await ended(job)).toBe(true);
  });

  it("watches a reattached job to its end; how it ended is the supervisor's exit record, kept next to the log", async () => {
    const dir = newDir();
    const go = join(dir, "go");
    const first = await launcher.submit(
      spec(
        `const fs = require("fs"); const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(go)})) { console.log("bye"); clearInterval(t); process.exitCode = 5; } }, 20)`,
      ),
    );
    const fresh = createLocalLauncher({ pollMs: 20 });
    const again = await fresh.reattach(JSON.parse(JSON.stringify(first.record)));
    expect(again).toBeDefined();
    expect(await fresh.liveness(first.record)).toEqual({ alive: true });
    const lines: string[] = [];
    const outcome = again!.wait({ onLine: (l) => lines.push(l) });
    writeFileSync(go, "");
    expect(await outcome).toMatchObject({ state: "failed", exitCode: 5, signal: null });
    expect(lines).toEqual(["bye"]);
    expect(readFileSync(exitRecordPath(first.record.logFile), "utf8")).toBe("5\n");
    expect(await fresh.liveness(first.record)).toMatchObject({ alive: false, outcome: { state: "failed", exitCode: 5 } });
  });

  it("a tool killed by a signal is recorded as that signal; a supervisor killed with it leaves no record: the end is unknown", async () => {
    const killed = await launcher.submit(spec("console.log('x'); process.kill(process.pid, 'SIGKILL')"));
    expect(await killed.wait()).toMatchObject({ state: "failed", exitCode: null, signal: "SIGKILL" });

    const running = await launcher.submit(spec("console.log('started'); setInterval(() => {}, 1000)"));
    const fresh = createLocalLauncher({ pollMs: 20 });
    const reattached = await fresh.reattach(JSON.parse(JSON.stringify(running.record)));
    process.kill(-Number(running.record.id), "SIGKILL"); // the whole group, supervisor included (a node lost, kill -9 of all)
    expect(await reattached!.wait()).toMatchObject({ state: "ended-unobserved", exitCode: null, signal: null });
    expect(existsSync(exitRecordPath(running.record.logFile))).toBe(false);
    expect(await fresh.liveness(running.record)).toEqual({ alive: false });
  });
});
