// What `status` says of each stage of a submitted chain, from state.json and Slurm's answer (squeue lines as Slurm
// prints them with `-o '%i|%T|%r'`), for every case a user meets: waiting, held, queued, running, completed, a
// failure before the stage began, and the jobs Slurm cancelled because the one before did not end well.
import { describe, expect, it } from "vitest";
import { parseSqueue } from "../../src/launch/slurm/poll.js";
import { chainView } from "../../src/pipeline/chain-view.js";
import type { ChainNow } from "../../src/pipeline/chain.js";
import type { RunState, StageState } from "../../src/pipeline/state.js";

const AT = "2026-12-03T10:00:00.000Z";
const chain = {
  id: "dianjin-chain-abc",
  launcher: "slurm" as const,
  at: AT,
  jobs: [
    { name: "dianjin-chain-abc-1", id: "11", stages: ["sft"], output: "slurm/dianjin-chain-abc-1-11.out" },
    { name: "dianjin-chain-abc-2", id: "12", stages: ["grpo"], after: "11", output: "slurm/dianjin-chain-abc-2-12.out" },
    { name: "dianjin-chain-abc-3", id: "13", stages: ["deploy", "eval"], after: "12", output: "slurm/dianjin-chain-abc-3-13.out" },
  ],
};

function now(squeue: string): ChainNow {
  const statuses = parseSqueue(squeue);
  return { chain, statuses, live: [...statuses.values()].some((s) => s.phase.active), whole: true };
}

function stage(status: StageState["status"], extra: Partial<StageState> = {}): StageState {
  return { status, key: "k", keyInputs: {}, attempts: 1, startedAt: "2026-12-03T10:01:00.000Z", ...extra };
}

const state = (stages: RunState["stages"]): RunState => ({ version: 1, experiment: "x", stages, tools: {} });

describe("chainView", () => {
  it("a running first stage, the next waiting for it by job id, the last queued behind them", () => {
    const view = chainView(now("11|RUNNING|None\n12|PENDING|Dependency\n13|PENDING|Dependency"), state({ sft: stage("running") }));
    expect(view.map((v) => [v.stage, v.state, v.job])).toEqual([
      ["sft", "running", "11"],
      ["grpo", "waiting", "12"],
      ["deploy", "waiting", "13"],
      ["eval", "waiting", "13"],
    ]);
    expect(view[1]!.note).toBe("waiting for job 11 (sft)");
    expect(view[3]!.note).toBe("waiting for job 12 (grpo)");
    expect(view[0]!.attempt).toBe(1);
  });

  it("a stage completed before this chain is not taken for one this chain ran", () => {
    const view = chainView(
      now("11|PENDING|Resources\n12|PENDING|Dependency\n13|PENDING|Dependency"),
      state({ sft: stage("completed", { startedAt: "2026-12-02T00:00:00.000Z" }) }),
    );
    expect(view[0]).toMatchObject({ state: "queued", note: "queued as job 11 (Resources)" });
    expect(view[0]!.attempt).toBeUndefined();
  });

  it("a held first job says how to release it", () => {
    expect(chainView(now("11|PENDING|JobHeldUser\n12|PENDING|Dependency"), state({}))[0]).toMatchObject({ state: "held" });
  });

  it("eval waits for the server in the same job; the server is shown as serving", () => {
    const done = { sft: stage("completed"), grpo: stage("completed"), deploy: stage("serving") };
    const view = chainView(now("11|COMPLETED|None\n12|COMPLETED|None\n13|RUNNING|None"), state(done));
    expect(view.slice(2).map((v) => [v.stage, v.state, v.note])).toEqual([
      ["deploy", "running", "serving in job 13"],
      ["eval", "running", "starting in job 13"],
    ]);
  });

  it("a stage that failed: its cause; the later jobs cancelled because of it", () => {
    const failed = stage("failed", { failure: { id: "oom", summary: "a GPU ran out of memory", hint: "" } });
    const view = chainView(
      now("11|FAILED|NonZeroExitCode\n12|CANCELLED|DependencyNeverSatisfied\n13|CANCELLED|DependencyNeverSatisfied"),
      state({ sft: failed }),
    );
    expect(view.map((v) => v.state)).toEqual(["failed", "cancelled", "cancelled", "cancelled"]);
    expect(view[0]!.note).toBe("a GPU ran out of memory");
    expect(view[1]!.note).toBe("cancelled because sft failed (job 11 FAILED)");
  });

  it("a job that ended before its stage began (no node on the compute node): failed, with its output file", () => {
    const view = chainView(now("11|FAILED|NonZeroExitCode\n12|CANCELLED|DependencyNeverSatisfied"), state({}));
    expect(view[0]).toMatchObject({ state: "failed", output: "slurm/dianjin-chain-abc-1-11.out" });
    expect(view[0]!.note).toMatch(/^job 11 FAILED before sft started/);
  });

  it("scancel while the stage ran: cancelled, and a new submit resumes it", () => {
    const view = chainView(now("11|CANCELLED|None\n12|CANCELLED|DependencyNeverSatisfied"), state({ sft: stage("interrupted") }));
    expect(view[0]).toMatchObject({ state: "cancelled", note: "job 11 CANCELLED while sft ran; `submit` again resumes it" });
    expect(view[1]!.note).toBe("cancelled because sft cancelled (job 11 CANCELLED)");
  });

  it("a job Slurm forgot is unknown, never running", () => {
    expect(chainView(now(""), state({ sft: stage("running") }))[0]).toMatchObject({ state: "unknown", note: "Slurm no longer knows job 11" });
  });
});
