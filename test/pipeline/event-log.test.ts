// The run log writer: pino lines with run id, stage and attempt; secrets removed by path and by value; levels.
import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { newRunId, openEventLog } from "../../src/pipeline/event-log.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "hf_planted_value_123456";

async function lines(workdir: string): Promise<Array<Record<string, any>>> {
  const text = await readFile(join(workdir, "events.jsonl"), "utf8");
  return text
    .trimEnd()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("openEventLog", () => {
  it("writes each event as a pino line with the run id, the stage, the attempt of the stage's last start and the event's fields", async () => {
    const workdir = join(await tempDir(), "new/workdir"); // created on open
    const log = openEventLog({ workdir, runId: "r-1", env: {} });
    log.sink({ type: "stage-start", stage: "sft", action: "resume", reason: "interrupted", attempt: 3 });
    log.sink({ type: "progress", stage: "sft", step: 7, total: 10, etaSeconds: 12, metrics: { loss: 0.25 } });
    log.sink({ type: "log", stage: "sft", level: "warn", message: "slow disk" });
    log.sink({ type: "stage-end", stage: "sft", status: "failed", seconds: 9 });
    log.record("info", "run", "run-end", { status: "failed" });
    await log.close();
    const [start, progress, warn, end, runEnd] = await lines(workdir);
    expect(start).toMatchObject({
      level: 30,
      run: "r-1",
      stage: "sft",
      attempt: 3,
      event: "stage-start",
      action: "resume",
      reason: "interrupted",
      msg: "stage-start",
    });
    expect(typeof start!.time).toBe("number");
    expect(progress).toMatchObject({ level: 30, stage: "sft", attempt: 3, step: 7, total: 10, etaSeconds: 12, metrics: { loss: 0.25 }, msg: "progress" });
    expect(warn).toMatchObject({ level: 40, stage: "sft", event: "log", msg: "slow disk" });
    expect(end).toMatchObject({ level: 50, status: "failed", msg: "stage-end" });
    expect(runEnd).toMatchObject({ level: 30, stage: "run", status: "failed", msg: "run-end" });
    expect(runEnd!.attempt).toBeUndefined();
  });

  it("removes secrets at known paths (pino redact) and masks secret values anywhere (message, nested fields, arrays)", async () => {
    const workdir = await tempDir();
    const log = openEventLog({ workdir, env: { HF_TOKEN: SECRET, PATH: "/usr/bin" } });
    log.record("error", "data", `request failed with ${SECRET} in the URL`, {
      apiKey: "literal-key-not-from-env",
      request: { headers: { authorization: "Bearer abcdef" }, url: `https://x/?k=${SECRET}` },
      logTail: [`echo ${SECRET}`],
    });
    log.sink({ type: "log", stage: "data", level: "info", message: `token is ${SECRET}` });
    await log.close();
    const text = await readFile(join(workdir, "events.jsonl"), "utf8");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("literal-key-not-from-env");
    expect(text).not.toContain("abcdef");
    const [record, message] = await lines(workdir);
    expect(record).toMatchObject({
      msg: "request failed with *** in the URL",
      apiKey: "***",
      request: { headers: { authorization: "***" }, url: "https://x/?k=***" },
      logTail: ["echo ***"],
    });
    expect(message!.msg).toBe("token is ***");
  });

  it("honours the level and appends to an existing log", async () => {
    const workdir = await tempDir();
    const first = openEventLog({ workdir, level: "warn", env: {}, runId: "a" });
    first.sink({ type: "progress", stage: "sft", step: 1, total: 2, metrics: {} });
    first.sink({ type: "retry", stage: "data", attempt: 1, reason: "rate-limited", waitMs: 500, status: 429 });
    await first.close();
    const second = openEventLog({ workdir, env: {}, runId: "b" });
    second.sink({ type: "stage-skip", stage: "sft", reason: "up to date" });
    await second.close();
    const all = await lines(workdir);
    expect(all.map((l) => [l.run, l.msg])).toEqual([
      ["a", "retry"],
      ["b", "stage-skip"],
    ]);
    expect(all[0]).toMatchObject({ level: 40, stage: "data", waitMs: 500, status: 429 });
  });

  it("run ids sort by time", () => {
    const a = newRunId(new Date("2026-01-02T03:04:05.678Z"));
    expect(a).toMatch(/^20260102T030405Z-[0-9a-f]{6}$/);
    expect(newRunId(new Date("2026-01-02T03:04:06Z")) > a).toBe(true);
  });
});
