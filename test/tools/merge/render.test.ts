import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PreflightError } from "../../../src/errors.js";
import { renderMerge, seedMergeScriptPath } from "../../../src/tools/merge/index.js";
import { existsSync } from "node:fs";
import { makeFakeCheckpoint } from "../../fixtures/merge/make-checkpoint.js";

const roots: string[] = [];
function ckpt(...args: Parameters<typeof makeFakeCheckpoint>): string {
  const root = makeFakeCheckpoint(...args);
  roots.push(root);
  return root;
}
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

function preflightMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PreflightError);
    return (e as PreflightError).message;
  }
  throw new Error("expected a PreflightError");
}

describe("renderMerge (current verl)", () => {
  it("merges the step named by latest_checkpointed_iteration.txt, not the highest folder", () => {
    const root = ckpt({ steps: [5, 10, 15], latest: 10 });
    const cmd = renderMerge({ stage: "merge", checkpointDir: root, targetDir: "/out/hf" });
    expect(cmd.checkpoint.step).toBe(10);
    expect(cmd.argv).toEqual([
      "python3",
      "-m",
      "verl.model_merger",
      "merge",
      "--backend",
      "fsdp",
      "--local_dir",
      join(root, "global_step_10", "actor"),
      "--target_dir",
      "/out/hf",
    ]);
    expect(cmd.shards.worldSize).toBe(2);
  });

  it("uses a configurable command prefix and a chosen step", () => {
    const root = ckpt({ steps: [5, 10] });
    const cmd = renderMerge({ stage: "merge", checkpointDir: root, targetDir: "/o", step: 5, commandPrefix: ["/venv/bin/python", "-m", "verl.model_merger"] });
    expect(cmd.argv.slice(0, 4)).toEqual(["/venv/bin/python", "-m", "verl.model_merger", "merge"]);
    expect(cmd.argv).toContain(join(root, "global_step_5", "actor"));
  });

  it("accepts a global_step_N folder directly", () => {
    const root = ckpt({ steps: [7] });
    const cmd = renderMerge({ stage: "merge", checkpointDir: join(root, "global_step_7"), targetDir: "/o" });
    expect(cmd.checkpoint).toMatchObject({ step: 7, root, actorDir: join(root, "global_step_7", "actor") });
  });

  it("names the stage it is given in its errors", () => {
    const root = ckpt({ steps: [5] });
    const err = (() => {
      try {
        renderMerge({ stage: "export", checkpointDir: root, targetDir: "/o", step: 7 });
      } catch (e) {
        return e as PreflightError;
      }
    })();
    expect(err).toBeInstanceOf(PreflightError);
    expect(err!.stage).toBe("export");
  });

  it("lists the available steps when the chosen one is missing", () => {
    const root = ckpt({ steps: [5, 10] });
    const msg = preflightMessage(() => renderMerge({ stage: "merge", checkpointDir: root, targetDir: "/o", step: 7 }));
    expect(msg).toContain("step 7");
    expect(msg).toContain("available steps: 5, 10");
  });

  it("explains when the tracker file names a step whose folder was pruned", () => {
    const root = ckpt({ steps: [5], latest: 20 });
    expect(preflightMessage(() => renderMerge({ stage: "merge", checkpointDir: root, targetDir: "/o" }))).toMatch(/names step 20.*available steps: 5/);
  });

  it("refuses to guess the latest step without the tracker file", () => {
    const root = ckpt({ steps: [5, 10], latest: null });
    expect(preflightMessage(() => renderMerge({ stage: "merge", checkpointDir: root, targetDir: "/o" }))).toMatch(
      /latest_checkpointed_iteration\.txt.*available steps: 5, 10/s,
    );
  });

  it("names missing rank shards, with the world size taken from the file names", () => {
    const root = ckpt({ steps: [3], worldSize: 4, missingRanks: [2, 3] });
    expect(preflightMessage(() => renderMerge({ stage: "merge", checkpointDir: root, targetDir: "/o" }))).toMatch(
      /world size 4 but rank shard\(s\) 2, 3 are missing/,
    );
  });

  it("sends seed-era checkpoints (no fsdp_config.json) to the seed merger", () => {
    const root = ckpt({ steps: [3], fsdpConfig: false });
    expect(preflightMessage(() => renderMerge({ stage: "merge", checkpointDir: root, targetDir: "/o" }))).toContain("merger: seed");
    const cmd = renderMerge({ stage: "merge", checkpointDir: root, targetDir: "/o", merger: "seed", python: "/venv/bin/python" });
    expect(cmd.argv).toEqual(["/venv/bin/python", seedMergeScriptPath(), "--local_dir", join(root, "global_step_3", "actor"), "--target_dir", "/o"]);
    expect(existsSync(seedMergeScriptPath())).toBe(true);
  });
});
