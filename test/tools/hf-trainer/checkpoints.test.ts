import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { findResumePoint } from "../../../src/tools/hf-trainer/checkpoints.js";
import { tempDir, writeFiles } from "../../helpers/tmp.js";

const complete = (step: number, deepspeed = false) => ({
  [`checkpoint-${step}/trainer_state.json`]: JSON.stringify({ global_step: step }),
  [`checkpoint-${step}/model.safetensors`]: "w",
  ...(deepspeed
    ? { [`checkpoint-${step}/latest`]: `global_step${step}`, [`checkpoint-${step}/global_step${step}/bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt`]: "o" }
    : { [`checkpoint-${step}/optimizer.pt`]: "o" }),
});

describe("findResumePoint", () => {
  it("takes the highest complete checkpoint (numeric order, not text order)", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { ...complete(9), ...complete(10), ...complete(100) });
    expect((await findResumePoint(dir, false)).checkpoint).toEqual({ step: 100, path: join(dir, "checkpoint-100") });
  });

  it("passes over a half-written newest checkpoint and reports it for setting aside", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { ...complete(20), "checkpoint-30/model.safetensors": "partial" });
    const point = await findResumePoint(dir, false);
    expect(point.checkpoint?.step).toBe(20);
    expect(point.incomplete.map((c) => [c.step, c.missing])).toEqual([[30, ["trainer_state.json", "optimizer.pt"]]]);
  });

  it("needs DeepSpeed's latest file and optimizer shards when DeepSpeed is on", async () => {
    const dir = await tempDir();
    await writeFiles(dir, { ...complete(10, true), ...complete(20, false) });
    const point = await findResumePoint(dir, true);
    expect(point.checkpoint?.step).toBe(10);
    expect(point.incomplete[0]!.missing).toContain("DeepSpeed `latest` file");
  });

  it("checks every shard a sharded checkpoint's index names", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      "checkpoint-5/trainer_state.json": JSON.stringify({ global_step: 5 }),
      "checkpoint-5/optimizer.pt": "o",
      "checkpoint-5/model.safetensors.index.json": JSON.stringify({
        weight_map: { a: "model-00001-of-00002.safetensors", b: "model-00002-of-00002.safetensors" },
      }),
      "checkpoint-5/model-00001-of-00002.safetensors": "x",
    });
    const point = await findResumePoint(dir, false);
    expect(point.checkpoint).toBeUndefined();
    expect(point.incomplete[0]!.missing).toEqual(["weight shard model-00002-of-00002.safetensors"]);
  });

  it("finds nothing in a missing folder", async () => {
    expect(await findResumePoint(join(await tempDir(), "none"), false)).toEqual({ checkpoint: undefined, incomplete: [] });
  });
});
