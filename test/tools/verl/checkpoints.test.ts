import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findLatestCheckpoint, inspectCheckpoint, listCheckpointSteps, pruneCheckpoints } from "../../../src/tools/verl/checkpoints.js";
import { tempDir, writeFiles } from "../../helpers/tmp.js";

function stepFiles(step: number, worldSize: number, opts: { skipRank?: number; skipOptimRank?: number } = {}): Record<string, string> {
  const files: Record<string, string> = {
    [`global_step_${step}/data.pt`]: "x",
    [`global_step_${step}/actor/fsdp_config.json`]: `{"FSDP_version":1,"world_size":${worldSize}}`,
  };
  for (let r = 0; r < worldSize; r++) {
    if (r !== opts.skipRank) files[`global_step_${step}/actor/model_world_size_${worldSize}_rank_${r}.pt`] = "m";
    if (r !== opts.skipOptimRank) files[`global_step_${step}/actor/optim_world_size_${worldSize}_rank_${r}.pt`] = "o";
    files[`global_step_${step}/actor/extra_state_world_size_${worldSize}_rank_${r}.pt`] = "e";
  }
  return files;
}

describe("findLatestCheckpoint", () => {
  it("follows latest_checkpointed_iteration.txt to a complete folder", async () => {
    const root = await tempDir();
    await writeFiles(root, { ...stepFiles(50, 4), ...stepFiles(100, 4), "latest_checkpointed_iteration.txt": "100\n" });
    const latest = await findLatestCheckpoint(root);
    expect(latest.trackerStep).toBe(100);
    expect(latest.checkpoint).toEqual({
      step: 100,
      dir: join(root, "global_step_100"),
      actorDir: join(root, "global_step_100/actor"),
      worldSize: 4,
      hasFsdpConfig: true,
    });
  });

  it("returns nothing without a tracker file (verl trains from scratch)", async () => {
    const root = await tempDir();
    await writeFiles(root, stepFiles(50, 2));
    expect(await findLatestCheckpoint(root)).toEqual({});
    expect(await findLatestCheckpoint(join(root, "absent"))).toEqual({});
  });

  it("reports a tracker that names a missing or incomplete folder", async () => {
    const root = await tempDir();
    await writeFiles(root, { ...stepFiles(50, 4, { skipRank: 2 }), "latest_checkpointed_iteration.txt": "50" });
    const partial = await findLatestCheckpoint(root);
    expect(partial.checkpoint).toBeUndefined();
    expect(partial.problem).toContain("lacks model shards for rank 2 of 4");
    await writeFiles(root, { "latest_checkpointed_iteration.txt": "60" });
    expect((await findLatestCheckpoint(root)).problem).toContain("global_step_60/actor does not exist");
  });

  it("checks optimizer shards and mixed world sizes", async () => {
    const root = await tempDir();
    await writeFiles(root, stepFiles(10, 2, { skipOptimRank: 1 }));
    expect((await inspectCheckpoint(root, 10)).problem).toContain("lacks optim shards for rank 1 of 2");
    await writeFiles(root, { ...stepFiles(20, 2), "global_step_20/actor/model_world_size_4_rank_0.pt": "m" });
    expect((await inspectCheckpoint(root, 20)).problem).toContain("mixes shards of world sizes 2, 4");
    await writeFiles(root, { "global_step_30/actor/huggingface/config.json": "{}" });
    expect((await inspectCheckpoint(root, 30)).problem).toContain("no model_world_size");
  });
});

describe("pruneCheckpoints", () => {
  it("keeps the newest saves up to the tracked step and removes whole older folders", async () => {
    const root = await tempDir();
    await writeFiles(root, {
      ...stepFiles(50, 2),
      ...stepFiles(100, 2),
      ...stepFiles(150, 2),
      ...stepFiles(200, 2),
      "latest_checkpointed_iteration.txt": "150",
    });
    const removed = await pruneCheckpoints(root, 2);
    expect(removed).toEqual([join(root, "global_step_50")]);
    // 200 is newer than the tracker (a save in progress): untouched. data.pt goes with its folder.
    expect(await listCheckpointSteps(root)).toEqual([100, 150, 200]);
    expect(existsSync(join(root, "global_step_50/data.pt"))).toBe(false);
    expect(await pruneCheckpoints(root, 1)).toEqual([join(root, "global_step_100")]);
    expect(await listCheckpointSteps(root)).toEqual([150, 200]);
  });

  it("does nothing without a tracker and refuses keep < 1", async () => {
    const root = await tempDir();
    await writeFiles(root, { ...stepFiles(50, 2), ...stepFiles(100, 2) });
    expect(await pruneCheckpoints(root, 1)).toEqual([]);
    await expect(pruneCheckpoints(root, 0)).rejects.toThrow(RangeError);
  });
});
