// The one watch loop against a scripted probe and a real log file: no launcher, no processes.
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LaunchError } from "../../src/errors.js";
import type { JobOutcome } from "../../src/launch/types.js";
import { silenceReason, watchJob, type JobProbe, type ProbeReading } from "../../src/launch/watch.js";
import { LineReader } from "../../src/util/line-reader.js";
import { tempDirs } from "./slurm/temp-dirs.js";

const newDir = tempDirs("watch-");

const COMPLETED: JobOutcome = { state: "completed", exitCode: 0, signal: null };

type Step = ProbeReading | undefined | Error;

/** A probe that answers each poll with the next scripted step (the last one repeats) and records what was asked. */
function scriptedProbe(steps: Step[], hooks: { onPoll?: (n: number) => void; stopSignal?: string } = {}) {
  let polls = 0;
  let cancelled = 0;
  const probe: JobProbe & { polls: () => number; cancels: () => number } = {
    label: { id: "7", system: "Testbed", contact: "the test cluster" },
    ...(hooks.stopSignal ? { stopSignal: hooks.stopSignal } : {}),
    async poll() {
      const step =
        cancelled > 0 ? ({ state: "ended", outcome: { state: "cancelled", exitCode: null, signal: null } } as const) : steps[Math.min(polls, steps.length - 1)];
      const n = polls++;
      hooks.onPoll?.(n);
      if (step instanceof Error) throw step;
      return step;
    },
    async cancel() {
      cancelled++;
    },
    polls: () => polls,
    cancels: () => cancelled,
  };
  return probe;
}

function logFile(content = ""): { path: string; reader: LineReader } {
  const path = join(newDir(), "job.log");
  writeFileSync(path, content);
  return { path, reader: new LineReader(path) };
}

describe("watchJob", () => {
  it("hands out the log's lines, ticks while the job runs, and returns the probe's outcome", async () => {
    const { path, reader } = logFile("one\n");
    const lines: string[] = [];
    let ticks = 0;
    const probe = scriptedProbe([{ state: "queued" }, { state: "running" }, { state: "running" }, { state: "ended", outcome: COMPLETED }], {
      onPoll: (n) => n === 1 && appendFileSync(path, "two\n"),
    });
    const outcome = await watchJob(probe, reader, { pollMs: 1, onLine: (l) => lines.push(l), onTick: () => void ticks++ });
    expect(outcome).toEqual(COMPLETED);
    expect(lines).toEqual(["one", "two"]);
    expect(ticks).toBe(3);
  });

  it("once the job has ended, hands out the rest of its log, the unfinished last line too, before returning", async () => {
    const { path, reader } = logFile();
    const lines: string[] = [];
    const probe = scriptedProbe([{ state: "running" }, { state: "ended", outcome: COMPLETED }], {
      // The job writes its last words between the probe seeing it end and the loop reading the log.
      onPoll: (n) => n === 1 && appendFileSync(path, "last step\nfinal words, no newline"),
    });
    await watchJob(probe, reader, { pollMs: 1, onLine: (l) => lines.push(l) });
    expect(lines).toEqual(["last step", "final words, no newline"]);
  });

  it("ticks once more after the end only when asked (local jobs)", async () => {
    const ticksWith = async (tickAfterEnd: boolean) => {
      let ticks = 0;
      const probe = scriptedProbe([{ state: "running" }, { state: "ended", outcome: COMPLETED }]);
      await watchJob(probe, logFile().reader, { pollMs: 1, tickAfterEnd, onTick: () => void ticks++ });
      return ticks;
    };
    expect(await ticksWith(false)).toBe(1);
    expect(await ticksWith(true)).toBe(2);
  });

  it("cancels the job and reports `interrupted` when the signal fires, with the lines up to then", async () => {
    const { path, reader } = logFile();
    const controller = new AbortController();
    const lines: string[] = [];
    const probe = scriptedProbe([{ state: "running" }], { stopSignal: "SIGTERM", onPoll: (n) => n === 2 && appendFileSync(path, "working\n") });
    const outcome = await watchJob(probe, reader, {
      pollMs: 1,
      signal: controller.signal,
      onLine: (l) => lines.push(l),
      onTick: () => void (probe.polls() >= 3 && controller.abort()),
    });
    expect(outcome).toEqual({ state: "interrupted", exitCode: null, signal: "SIGTERM", reason: "aborted by the caller" });
    expect(probe.cancels()).toBe(1);
    expect(lines).toEqual(["working"]);
  });

  it("does not wait for a long pause to end once the signal fires", async () => {
    const controller = new AbortController();
    const probe = scriptedProbe([{ state: "running" }]);
    const started = Date.now();
    const watching = watchJob(probe, logFile().reader, { pollMs: 600_000, signal: controller.signal, onTick: () => controller.abort() });
    expect(await watching).toMatchObject({ state: "interrupted", signal: null });
    // Far below the 10-minute pause: the abort ended the wait.
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("does not wait for a poll that never answers once the signal fires", async () => {
    const controller = new AbortController();
    let cancelled = false;
    const probe: JobProbe = {
      label: { id: "7", system: "Testbed" },
      async poll() {
        if (cancelled) return { state: "ended", outcome: { state: "cancelled", exitCode: null, signal: null } };
        controller.abort();
        return new Promise<never>(() => undefined);
      },
      async cancel() {
        cancelled = true;
      },
    };
    expect(await watchJob(probe, logFile().reader, { pollMs: 1, signal: controller.signal })).toMatchObject({ state: "interrupted" });
    expect(cancelled).toBe(true);
  });

  it("reports `interrupted` without polling when the signal had fired before the watch began", async () => {
    const probe = scriptedProbe([{ state: "running" }]);
    const outcome = await watchJob(probe, logFile().reader, { pollMs: 1, signal: AbortSignal.abort() });
    expect(outcome.state).toBe("interrupted");
    expect(probe.cancels()).toBe(1);
  });

  it("cancels a running job that is silent for watchdogMs and reports `hang` in minutes", async () => {
    const probe = scriptedProbe([{ state: "running" }]);
    const outcome = await watchJob(probe, logFile().reader, { pollMs: 5, watchdogMs: 30 });
    expect(outcome).toEqual({ state: "hang", exitCode: null, signal: null, reason: "no output for 0.0005 min" });
    expect(probe.cancels()).toBe(1);
  });

  it("keeps a job alive while it writes, however long it runs", async () => {
    const { path, reader } = logFile();
    // Output on every poll; the job ends after 40 polls, at least 200 ms, four watchdog periods.
    const probe = scriptedProbe([...Array<Step>(40).fill({ state: "running" }), { state: "ended", outcome: COMPLETED }], {
      onPoll: () => appendFileSync(path, "step\n"),
    });
    expect(await watchJob(probe, reader, { pollMs: 5, watchdogMs: 50 })).toEqual(COMPLETED);
    expect(probe.cancels()).toBe(0);
  });

  it("does not count time spent queued as silence", async () => {
    // At least 500 ms queued, well over the watchdog, then running again: only the running time counts.
    const probe = scriptedProbe([...Array<Step>(100).fill({ state: "queued" }), { state: "running" }, { state: "ended", outcome: COMPLETED }]);
    expect(await watchJob(probe, logFile().reader, { pollMs: 5, watchdogMs: 300 })).toEqual(COMPLETED);
    expect(probe.cancels()).toBe(0);
  });

  it("says in one unit how long the silence was", () => {
    expect(silenceReason(12 * 60_000)).toBe("no output for 12 min");
    expect(silenceReason(90_000)).toBe("no output for 1.5 min");
    expect(silenceReason(1_200)).toBe("no output for 0.02 min");
  });

  it("rides out a few failed polls, then gives up with LaunchError naming the job and the cause", async () => {
    const flaky = scriptedProbe([new Error("timeout"), new Error("timeout"), { state: "ended", outcome: COMPLETED }]);
    expect(await watchJob(flaky, logFile().reader, { pollMs: 1 })).toEqual(COMPLETED);

    const down = scriptedProbe([new Error("connection refused")]);
    const watching = watchJob(down, logFile().reader, { pollMs: 1 });
    await expect(watching).rejects.toThrow(LaunchError);
    await expect(watching).rejects.toThrow("lost contact with the test cluster while watching job 7: Error: connection refused");
  });

  it("reports `unknown` when the launcher no longer knows the job, after reading the last lines", async () => {
    const { reader } = logFile("before it vanished");
    const lines: string[] = [];
    const outcome = await watchJob(scriptedProbe([{ state: "running" }, undefined]), reader, { pollMs: 1, onLine: (l) => lines.push(l) });
    expect(outcome).toEqual({ state: "unknown", exitCode: null, signal: null, reason: "Testbed no longer knows job 7" });
    expect(lines).toEqual(["before it vanished"]);
  });

  it("does not give up on a job that is missing only now and then", async () => {
    const probe = scriptedProbe([undefined, undefined, { state: "running" }, undefined, undefined, { state: "ended", outcome: COMPLETED }]);
    expect(await watchJob(probe, logFile().reader, { pollMs: 1 })).toEqual(COMPLETED);
  });
});
