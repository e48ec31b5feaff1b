import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSacct, parseScontrolJob, parseSqueue } from "../../../src/launch/slurm/index.js";
import { SlurmStatusQuery } from "../../../src/launch/slurm/poll.js";
import { SlurmPoller } from "../../../src/launch/slurm/poller.js";
import { fakeCommands } from "./fake-commands.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../../fixtures/slurm", name), "utf8");

describe("parseSacct", () => {
  // Hand-written in the `sacct -X -P -n --format=JobIDRaw,State,ExitCode,Reason` shape.
  const jobs = parseSacct(fixture("sacct-x-parsable.txt"));

  it("keeps job rows and skips steps and het components", () => {
    expect([...jobs.keys()].sort()).toEqual(["101", "102", "103", "104", "105", "106", "107", "108", "109", "110", "111"]);
  });

  it("reads state, exit code and reason", () => {
    expect(jobs.get("102")).toMatchObject({
      rawState: "FAILED",
      phase: { active: false, state: "failed" },
      exitCode: 7,
      signal: null,
      reason: "NonZeroExitCode",
    });
    expect(jobs.get("103")).toMatchObject({ phase: { active: false, state: "cancelled" }, rawState: "CANCELLED by 0" });
    expect(jobs.get("105")).toMatchObject({ phase: { active: false, state: "out-of-memory" } });
    expect(jobs.get("109")).toMatchObject({ phase: { active: false, state: "preempted" }, signal: "SIGTERM", exitCode: null });
    expect(jobs.get("101")?.reason).toBeUndefined();
  });

  it("takes the last row of a requeued job", () => {
    expect(jobs.get("111")?.phase).toEqual({ active: true });
  });
});

describe("squeue and scontrol (recorded from Slurm 22.05)", () => {
  it("reads squeue -t all rows", () => {
    const jobs = parseSqueue(fixture("squeue-t-all.txt"));
    expect(jobs.get("4")).toMatchObject({ phase: { active: false, state: "failed" }, reason: "NonZeroExitCode", exitCode: null });
    expect(jobs.get("8")).toMatchObject({ phase: { active: false, state: "timeout" }, reason: "TimeLimit" });
    expect(jobs.get("5")).toMatchObject({ phase: { active: false, state: "cancelled" } });
  });

  it("reads the exit code from scontrol show job -o", () => {
    expect(parseScontrolJob(fixture("scontrol-show-job-failed.txt"))).toMatchObject({ id: "4", exitCode: 7, phase: { active: false, state: "failed" } });
    expect(parseScontrolJob(fixture("scontrol-show-job-timeout.txt"))).toMatchObject({
      exitCode: 143,
      reason: "TimeLimit",
      phase: { active: false, state: "timeout" },
    });
    expect(parseScontrolJob("slurm_load_jobs error: Invalid job id specified")).toBeUndefined();
  });
});

describe("SlurmStatusQuery", () => {
  it("asks sacct once for all jobs when accounting works", async () => {
    const commands = fakeCommands(() => ({ stdout: "1|RUNNING|0:0|None\n2|COMPLETED|0:0|None\n" }));
    const statuses = await new SlurmStatusQuery(commands).statuses(["1", "2"]);
    expect(commands.calls).toHaveLength(1);
    expect(commands.calls[0]!.args).toEqual(["-X", "-P", "-n", "-j", "1,2", "--format=JobIDRaw,State,ExitCode,Reason"]);
    expect(statuses.get("2")?.phase).toEqual({ active: false, state: "completed" });
  });

  it("falls back to squeue (+ scontrol for finished jobs) when accounting is disabled, and stops asking sacct", async () => {
    const commands = fakeCommands((tool) => {
      if (tool === "sacct") return { exitCode: 1, stderr: "Slurm accounting storage is disabled\n" };
      if (tool === "squeue") return { stdout: "1|RUNNING|None\n4|FAILED|NonZeroExitCode\n" };
      return { stdout: fixture("scontrol-show-job-failed.txt") };
    });
    const query = new SlurmStatusQuery(commands);
    const statuses = await query.statuses(["1", "4"]);
    expect(statuses.get("1")?.phase).toEqual({ active: true });
    expect(statuses.get("4")).toMatchObject({ exitCode: 7, phase: { active: false, state: "failed" } });
    expect(commands.calls.map((c) => c.tool)).toEqual(["sacct", "squeue", "scontrol"]);
    expect(commands.calls[1]!.args).toEqual(["-h", "-t", "all", "-j", "1,4", "-o", "%i|%T|%r"]);
    await query.statuses(["1"]);
    expect(commands.calls.slice(3).map((c) => c.tool)).not.toContain("sacct");
  });

  it("treats squeue's 'Invalid job id' as: no such jobs", async () => {
    const commands = fakeCommands((tool) =>
      tool === "sacct" ? { exitCode: 1 } : { exitCode: 1, stderr: "slurm_load_jobs error: Invalid job id specified\n" },
    );
    expect((await new SlurmStatusQuery(commands).statuses(["9"])).size).toBe(0);
  });

  it("throws when squeue fails for another reason", async () => {
    const commands = fakeCommands((tool) => (tool === "sacct" ? { exitCode: 1 } : { exitCode: 1, stderr: "Unable to contact slurm controller" }));
    await expect(new SlurmStatusQuery(commands).statuses(["9"])).rejects.toThrow(/controller/);
  });
});

describe("SlurmPoller", () => {
  it("answers all jobs waiting for the same round with one query", async () => {
    const commands = fakeCommands(() => ({ stdout: "1|RUNNING|0:0|None\n2|PENDING|0:0|Resources\n3|COMPLETED|0:0|None\n" }));
    const poller = new SlurmPoller(new SlurmStatusQuery(commands), 50);
    const [a, b, c] = await Promise.all([poller.next("1"), poller.next("2"), poller.next("3")]);
    expect(poller.queries).toBe(1);
    expect(commands.calls[0]!.args).toContain("1,2,3");
    expect(a).toMatchObject({ ok: true, status: { id: "1" } });
    expect(b).toMatchObject({ ok: true, status: { reason: "Resources" } });
    expect(c).toMatchObject({ ok: true, status: { phase: { state: "completed" } } });
  });

  it("asks each cluster separately for jobs sent to named clusters (sbatch -M)", async () => {
    const commands = fakeCommands((_tool, args) => ({ stdout: args[0] === "-M" ? `5|RUNNING|0:0|None\n` : "1|COMPLETED|0:0|None\n" }));
    const poller = new SlurmPoller(new SlurmStatusQuery(commands), 10);
    const [local, remote] = await Promise.all([poller.next("1"), poller.next("5", "gpu-b")]);
    expect(commands.calls.map((c) => c.args.slice(0, 2))).toEqual([
      ["-X", "-P"],
      ["-M", "gpu-b"],
    ]);
    expect(local).toMatchObject({ status: { id: "1" } });
    expect(remote).toMatchObject({ status: { id: "5" } });
  });

  it("keeps at least one interval between rounds", async () => {
    const commands = fakeCommands(() => ({ stdout: "1|RUNNING|0:0|None\n" }));
    const poller = new SlurmPoller(new SlurmStatusQuery(commands), 200);
    await poller.next("1");
    const t0 = Date.now();
    await poller.next("1");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
    expect(poller.queries).toBe(2);
  });

  it("hands a failed query to every waiter instead of throwing", async () => {
    const commands = fakeCommands(() => {
      throw new Error("boom");
    });
    const poller = new SlurmPoller(new SlurmStatusQuery(commands), 10);
    expect(await poller.next("1")).toMatchObject({ ok: false });
  });
});
