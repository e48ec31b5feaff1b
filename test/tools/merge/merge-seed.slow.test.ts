// Runs the shipped seed-era merger on real DTensor shards (2 gloo ranks on CPU) and checks the output
// both with the TypeScript verifier and value-by-value against the fp32 reference. Needs torch + safetensors.

import { execaSync, execa } from "execa";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { renderMerge, verifyMergedModel } from "../../../src/tools/merge/index.js";
import { TINY_QWEN2_DIR } from "../../fixtures/merge/make-checkpoint.js";

const PYTHON = process.env.DIANJIN_TEST_PYTHON ?? "python3";
const MAKE_CKPT = fileURLToPath(new URL("../../fixtures/merge/make_dtensor_checkpoint.py", import.meta.url));
const hasTorch = execaSync(PYTHON, ["-c", "import torch, safetensors"], { reject: false }).exitCode === 0;
const root = mkdtempSync(join(tmpdir(), "dj-seed-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const COMPARE = `
import glob, sys, torch
from safetensors.torch import load_file
ref = load_file(sys.argv[1])
got = {}
for f in glob.glob(sys.argv[2] + "/*.safetensors"):
    got.update(load_file(f))
assert set(ref) == set(got), sorted(set(ref) ^ set(got))
for k in ref:
    assert got[k].dtype == torch.bfloat16, k
    assert torch.equal(got[k], ref[k].to(torch.bfloat16)), k
print(len(ref))
`;

describe("merge_fsdp_seed.py", () => {
  it("joins Shard(0)/Shard(1)/Replicate DTensors into bf16 shards that verify", async (ctx) => {
    ctx.skip(!hasTorch, `${PYTHON} has no torch+safetensors (set DIANJIN_TEST_PYTHON)`);
    const actor = join(root, "global_step_3", "actor");
    await execa(PYTHON, [MAKE_CKPT, actor, TINY_QWEN2_DIR]);
    const target = join(root, "hf");
    const cmd = renderMerge({ stage: "merge", checkpointDir: root, step: 3, targetDir: target, merger: "seed", python: PYTHON });
    // Small shard size so the index spans several files, as it does for a real 7B model.
    await execa(cmd.argv[0]!, [...cmd.argv.slice(1), "--max_shard_size", "150KB"]);
    const report = await verifyMergedModel(target);
    expect(report.problems).toEqual([]);
    expect(report.files).toBeGreaterThan(1);
    expect(report.params).toBe(107_072);
    const { stdout } = await execa(PYTHON, ["-c", COMPARE, join(root, "global_step_3", "reference.safetensors"), target]);
    expect(stdout.trim()).toBe("27");
  });
});
