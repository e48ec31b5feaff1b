// Which stages share a chain job and what allocation it asks for: a server and the stages that use it run in one job
// (eval never outlives or precedes its server); stages done in-process alone make a CPU job; up-to-date stages no job.
import { describe, expect, it } from "vitest";
import { chainGroups, chainResources } from "../../src/pipeline/chain.js";
import { stageModule } from "../../src/stages/registry.js";
import type { Plan } from "../../src/pipeline/plan.js";
import type { Experiment } from "../../src/config/schema.js";

function plan(actions: Record<string, string>): Plan {
  return { stages: Object.entries(actions).map(([name, action]) => ({ name, action, definition: stageModule(name)! })) } as unknown as Plan;
}

const config = { cluster: { launcher: "slurm", nodes: 4, gpus_per_node: 8, slurm: { time: "2-00:00:00", cpus_per_task: 16 } } } as unknown as Experiment;

describe("chainGroups", () => {
  it("one job per stage that would start, deploy with eval, skipped stages left out", () => {
    const groups = chainGroups(plan({ data: "skip", sft: "resume", grpo: "run", merge: "run", deploy: "run", eval: "run" }));
    expect(groups).toEqual([["sft"], ["grpo"], ["merge"], ["deploy", "eval"]]);
  });

  it("eval against a server already serving runs alone", () => {
    expect(chainGroups(plan({ deploy: "skip", eval: "run" }))).toEqual([["eval"]]);
  });

  it("nothing to start, no job", () => {
    expect(chainGroups(plan({ sft: "skip", grpo: "not-selected" }))).toEqual([]);
  });
});

describe("chainResources", () => {
  it("a training stage gets every node with its GPUs; the server's job gets one node", () => {
    expect(chainResources(config, ["sft"])).toMatchObject({ nodes: 4, gpusPerNode: 8, time: "2-00:00:00" });
    expect(chainResources(config, ["deploy", "eval"])).toMatchObject({ nodes: 1, gpusPerNode: 8 });
  });

  it("data or eval alone is a one-node CPU job", () => {
    expect(chainResources(config, ["data"])).toMatchObject({ nodes: 1, gpusPerNode: 0, cpusPerTask: 16 });
  });
});
