// The driver record: a live process is taken for the driver only with the driver's start time and id in its argv
// (a reused pid is not), and how it ended is read from its own run-end record, after where its records start.
import { spawn } from "node:child_process";
import { appendFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { processStartTime } from "../../src/launch/process-tree.js";
import { driverEnd, driverNow, liveDriverPid, writeDriver, type DriverRecord } from "../../src/pipeline/driver.js";
import { tempDir } from "../helpers/tmp.js";

const children: number[] = [];
afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

function record(fields: Partial<DriverRecord>): DriverRecord {
  return {
    version: 1,
    id: "20261203T120000Z-abc123",
    host: hostname(),
    submittedAt: "2026-12-03T12:00:00.000Z",
    argv: ["run", "exp.yaml"],
    cwd: "/",
    logFile: "driver/attempt-1.log",
    attempt: 1,
    eventsFrom: 0,
    ...fields,
  };
}

/** A process whose argv carries `--as-driver <id>`, as a driver's does. */
async function fakeDriver(id: string): Promise<{ pid: number; startTime: string }> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", "--", "--as-driver", id], { stdio: "ignore" });
  children.push(child.pid!);
  return { pid: child.pid!, startTime: (await processStartTime(child.pid!))! };
}

describe("the driver record", () => {
  it("is alive only as the process with its pid, start time and id", async () => {
    const { pid, startTime } = await fakeDriver("20261203T120000Z-abc123");
    expect(await liveDriverPid(record({ pid, startTime }))).toBe(pid);
    // The same pid with another start time is a reused pid.
    expect(await liveDriverPid(record({ pid, startTime: String(Number(startTime) + 1) }))).toBeUndefined();
    // A live process without the id in its argv (this test runner) is not the driver.
    expect(await liveDriverPid(record({ pid: process.pid, startTime: await processStartTime(process.pid) }))).toBeUndefined();
    // The write-ahead record, before its pid was written: found by the id in the argv.
    expect(await liveDriverPid(record({}))).toBe(pid);
    expect(await liveDriverPid(record({ id: "20261203T120000Z-ffffff" }))).toBeUndefined();
    // A record from another host is not judged from here.
    expect(await liveDriverPid(record({ pid, startTime, host: "elsewhere-node-7" }))).toBeUndefined();
  });

  it("ended as its own run-end says, with the failure's cause; another run's records are not its", async () => {
    const workdir = await tempDir("dianjin-driver-");
    const line = (fields: Record<string, unknown>) => `${JSON.stringify({ level: 30, time: 1796302748484, stage: "run", ...fields })}\n`;
    await writeFile(join(workdir, "events.jsonl"), line({ run: "older", msg: "run-end", status: "completed", exitCode: 0 }));
    const eventsFrom = Buffer.byteLength(line({ run: "older", msg: "run-end", status: "completed", exitCode: 0 }));
    const mine = record({ pid: 999_999_999, startTime: "1", eventsFrom });
    await writeDriver(workdir, mine);
    expect(await driverEnd(workdir, mine)).toBeUndefined();
    expect(await driverNow(workdir)).toEqual({ state: "ended", record: mine });

    await appendFile(join(workdir, "events.jsonl"), line({ run: "other", msg: "run-end", status: "completed", exitCode: 0 }));
    await appendFile(join(workdir, "events.jsonl"), line({ run: mine.id, stage: "sft", msg: "failure", summary: "CUDA out of memory" }));
    await appendFile(join(workdir, "events.jsonl"), line({ run: mine.id, msg: "run-end", status: "failed", exitCode: 1 }));
    expect(await driverEnd(workdir, mine)).toEqual({
      status: "failed",
      exitCode: 1,
      at: new Date(1796302748484).toISOString(),
      cause: "sft: CUDA out of memory",
    });
    expect((await driverNow(workdir))?.state).toBe("ended");
    // A driver on another host is judged by its records alone: ended once its run-end is there, else not known here.
    await writeDriver(workdir, { ...mine, host: "elsewhere-node-7" });
    expect((await driverNow(workdir))?.state).toBe("ended");
    await writeDriver(workdir, { ...mine, host: "elsewhere-node-7", id: "20261203T120000Z-ffffff" });
    expect((await driverNow(workdir))?.state).toBe("elsewhere");
  });
});
