import { describe, expect, it } from "vitest";
import { PreflightError } from "../../../src/errors.js";
import { planReplicas, renderReplicas } from "../../../src/tools/vllm/index.js";

describe("planReplicas", () => {
  it("splits 8 GPUs into 4 disjoint TP=2 groups on distinct ports", async () => {
    const plan = await planReplicas({ stage: "deploy", configKey: "deploy.vllm", gpus: [0, 1, 2, 3, 4, 5, 6, 7], tensorParallelSize: 2 });
    expect(plan.map((r) => r.cudaVisibleDevices)).toEqual(["0,1", "2,3", "4,5", "6,7"]);
    expect(new Set(plan.map((r) => r.port)).size).toBe(4);
    const cmds = await renderReplicas({ stage: "deploy", configKey: "deploy.vllm", model: "/m", servedModelName: "x" }, plan);
    expect(cmds.map((c) => c.env.CUDA_VISIBLE_DEVICES)).toEqual(["0,1", "2,3", "4,5", "6,7"]);
    expect(cmds.map((c) => c.port)).toEqual(plan.map((r) => r.port));
    expect(cmds.every((c) => c.argv[c.argv.indexOf("--tensor-parallel-size") + 1] === "2")).toBe(true);
  });

  it("leaves spare GPUs unused and honours a replica count and base port", async () => {
    const plan = await planReplicas({ stage: "deploy", configKey: "deploy.vllm", gpus: [4, 5, 6, 7, 1], tensorParallelSize: 2, replicas: 1, basePort: 39011 });
    expect(plan).toEqual([{ index: 0, gpus: [4, 5], cudaVisibleDevices: "4,5", port: 39011 }]);
  });

  it("rejects more replicas than the GPUs allow", async () => {
    await expect(planReplicas({ stage: "deploy", configKey: "deploy.vllm", gpus: [0, 1, 2], tensorParallelSize: 2, replicas: 2 })).rejects.toThrow(
      /needs 4 GPUs, 3 available/,
    );
    await expect(planReplicas({ stage: "deploy", configKey: "deploy.vllm", gpus: [0, 0], tensorParallelSize: 1 })).rejects.toThrow(/twice/);
  });

  it("reports against the stage and config path it is given", async () => {
    const err = (await planReplicas({ stage: "serve", configKey: "stages.serve", gpus: [0, 0], tensorParallelSize: 1 }).catch(
      (e: unknown) => e,
    )) as PreflightError;
    expect(err).toBeInstanceOf(PreflightError);
    expect(err.stage).toBe("serve");
    expect(err.problems.map((p) => p.path)).toEqual(["stages.serve.gpus"]);
  });
});
