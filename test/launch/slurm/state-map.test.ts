import { describe, expect, it } from "vitest";
import { mapSlurmState, parseSlurmExitCode } from "../../../src/launch/slurm/index.js";

describe("mapSlurmState", () => {
  it.each([
    ["PENDING", { active: true }],
    ["CONFIGURING", { active: true }],
    ["RUNNING", { active: true }],
    ["COMPLETING", { active: true }],
    ["REQUEUED", { active: true }],
    ["RESIZING", { active: true }],
    ["SUSPENDED", { active: true }],
    ["COMPLETED", { active: false, state: "completed" }],
    ["FAILED", { active: false, state: "failed" }],
    ["CANCELLED", { active: false, state: "cancelled" }],
    ["CANCELLED by 0", { active: false, state: "cancelled" }],
    ["CANCELLED+", { active: false, state: "cancelled" }],
    ["TIMEOUT", { active: false, state: "timeout" }],
    ["DEADLINE", { active: false, state: "timeout" }],
    ["NODE_FAIL", { active: false, state: "node-fail" }],
    ["BOOT_FAIL", { active: false, state: "node-fail" }],
    ["PREEMPTED", { active: false, state: "preempted" }],
    ["OUT_OF_MEMORY", { active: false, state: "out-of-memory" }],
    ["completed", { active: false, state: "completed" }],
  ])("%s", (raw, expected) => {
    expect(mapSlurmState(raw)).toEqual(expected);
  });

  it("maps states it does not know to `unknown`, never to success", () => {
    expect(mapSlurmState("SOMETHING_NEW")).toEqual({ active: false, state: "unknown" });
    expect(mapSlurmState("")).toEqual({ active: false, state: "unknown" });
  });
});

describe("parseSlurmExitCode", () => {
  it("reads status:signal", () => {
    expect(parseSlurmExitCode("0:0")).toEqual({ exitCode: 0, signal: null });
    expect(parseSlurmExitCode("7:0")).toEqual({ exitCode: 7, signal: null });
    expect(parseSlurmExitCode("0:15")).toEqual({ exitCode: null, signal: "SIGTERM" });
    expect(parseSlurmExitCode("0:9")).toEqual({ exitCode: null, signal: "SIGKILL" });
  });

  it("gives nulls for text that is not an exit code", () => {
    expect(parseSlurmExitCode(undefined)).toEqual({ exitCode: null, signal: null });
    expect(parseSlurmExitCode("")).toEqual({ exitCode: null, signal: null });
    expect(parseSlurmExitCode("n/a")).toEqual({ exitCode: null, signal: null });
  });
});
