import { writeFileSync, rmSync, readFileSync, unlinkSync, openSync, writeSync, closeSync, truncateSync, ftruncateSync, mkdirSync, cpSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatVerifyReport, mergeVerifyFailure, renderMerge, verifyMergedModel, type VerifyReport } from "../../../src/tools/merge/index.js";
import { MERGER_STANDIN, makeFakeCheckpoint } from "../../fixtures/merge/make-checkpoint.js";

const TINY_PARAMS = 107_072; // hidden 64, inter 128, 2 layers, 4 heads, 2 KV heads, vocab 256, untied
let root: string;

/** Runs the stand-in merger through the argv renderMerge produces, in the given failure mode. */
async function merge(mode: string): Promise<string> {
  const target = join(root, `hf-${mode}`);
  const cmd = renderMerge({ stage: "merge", checkpointDir: root, targetDir: target, commandPrefix: [MERGER_STANDIN] });
  await execa(cmd.argv[0]!, cmd.argv.slice(1), { env: { VERL_MERGER_STANDIN_MODE: mode } });
  return target;
}

const codes = (r: VerifyReport) => [...new Set(r.problems.map((p) => p.code))].sort();

beforeAll(() => {
  root = makeFakeCheckpoint({ steps: [2, 4] });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("verifyMergedModel on stand-in merger output", () => {
  it("passes a valid merge and counts the parameters the config implies", async () => {
    const report = await verifyMergedModel(await merge("valid"));
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.params).toBe(TINY_PARAMS);
    expect(report.expectedParams).toBe(TINY_PARAMS);
    expect(report.files).toBe(2);
    expect(report.bytes).toBeGreaterThan(TINY_PARAMS * 2);
    expect(report.warnings).toEqual([]);
    expect(formatVerifyReport(report)).toContain("ok");
  });

  it("catches a truncated shard and names file and tensor", async () => {
    const report = await verifyMergedModel(await merge("truncated"));
    expect(report.ok).toBe(false);
    const p = report.problems.find((x) => x.code === "truncated");
    expect(p?.file).toBe("model-00002-of-00002.safetensors");
    expect(p?.tensor).toBe("lm_head.weight");
  });

  it("catches a shard the index names but that does not exist", async () => {
    const report = await verifyMergedModel(await merge("missing-shard"));
    const p = report.problems.find((x) => x.code === "missing-file");
    expect(p?.file).toBe("model-00002-of-00002.safetensors");
    expect(report.problems.some((x) => x.code === "param-count")).toBe(true);
  });

  it("catches fp32 tensors when bf16 is expected, and accepts them when told", async () => {
    const dir = await merge("wrong-dtype");
    const report = await verifyMergedModel(dir);
    expect(codes(report)).toEqual(["dtype"]);
    expect(report.problems[0]).toMatchObject({ file: "model-00001-of-00002.safetensors", tensor: "model.embed_tokens.weight" });
    expect(report.problems[0]!.message).toContain("F32");
    expect(mergeVerifyFailure(report).hint).toContain("bf16");
    expect((await verifyMergedModel(dir, { expectedDtype: "float32" })).ok).toBe(true);
  });

  it("catches a tensor the index names but the shard header lacks", async () => {
    const report = await verifyMergedModel(await merge("missing-tensor"));
    const missing = report.problems.filter((x) => x.code === "missing-tensor");
    expect(missing).toEqual([expect.objectContaining({ file: "model-00002-of-00002.safetensors", tensor: "model.layers.1.mlp.down_proj.weight" })]);
    expect(report.problems.find((x) => x.code === "param-count")?.message).toContain(`${(TINY_PARAMS - 64 * 128).toLocaleString("en-US")}`);
  });

  it("catches a tensor in a header that the index does not list", async () => {
    const dir = await merge("valid");
    const indexPath = join(dir, "model.safetensors.index.json");
    const index = JSON.parse(readFileSync(indexPath, "utf8"));
    delete index.weight_map["model.norm.weight"];
    writeFileSync(indexPath, JSON.stringify(index));
    const report = await verifyMergedModel(dir);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: "unindexed-tensor", tensor: "model.norm.weight" }));
  });

  it("catches missing tokenizer files and a config that implies other shapes", async () => {
    const dir = await merge("valid");
    unlinkSync(join(dir, "tokenizer.json"));
    unlinkSync(join(dir, "tokenizer_config.json"));
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, num_key_value_heads: 4 }));
    const report = await verifyMergedModel(dir);
    expect(
      report.problems
        .filter((p) => p.code === "tokenizer")
        .map((p) => p.file)
        .sort(),
    ).toEqual(["tokenizer.json", "tokenizer_config.json"]);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: "shape", tensor: "model.layers.0.self_attn.k_proj.weight" }));
  });

  it("verifies a single model.safetensors without an index, and rejects a header whose span disagrees with its shape", async () => {
    const dir = join(root, "single");
    mkdirSync(dir);
    cpSync(join(root, "global_step_4", "actor", "huggingface"), dir, { recursive: true });
    // A model that is not Qwen2, so only the file-level checks apply.
    writeFileSync(join(dir, "config.json"), JSON.stringify({ model_type: "llama" }));
    const header = JSON.stringify({ a: { dtype: "BF16", shape: [2, 3], data_offsets: [0, 12] }, b: { dtype: "BF16", shape: [4], data_offsets: [12, 18] } });
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const fd = openSync(join(dir, "model.safetensors"), "w");
    writeSync(fd, len);
    writeSync(fd, header);
    writeSync(fd, Buffer.alloc(18));
    closeSync(fd);
    const report = await verifyMergedModel(dir);
    expect(report.problems).toEqual([expect.objectContaining({ code: "byte-span", file: "model.safetensors", tensor: "b" })]);
    expect(report.params).toBe(10);
    expect(report.warnings[0]).toContain("llama");
  });

  it("reports a shard cut inside its header as truncated", async () => {
    const dir = await merge("valid");
    truncateSync(join(dir, "model-00001-of-00002.safetensors"), 100);
    const report = await verifyMergedModel(dir);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: "truncated", file: "model-00001-of-00002.safetensors" }));
  });

  it("reads headers only: an 8 GiB sparse shard verifies in well under a second", async () => {
    const dir = join(root, "sparse");
    mkdirSync(dir);
    cpSync(join(root, "global_step_4", "actor", "huggingface"), dir, { recursive: true });
    writeFileSync(join(dir, "config.json"), JSON.stringify({ model_type: "other" }));
    const span = 8 * 1024 ** 3;
    const header = JSON.stringify({ big: { dtype: "BF16", shape: [span / 2], data_offsets: [0, span] } }).padEnd(64, " ");
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const fd = openSync(join(dir, "model.safetensors"), "w");
    writeSync(fd, len);
    writeSync(fd, header);
    ftruncateSync(fd, 8 + header.length + span);
    closeSync(fd);
    const t0 = performance.now();
    const report = await verifyMergedModel(dir);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(report.ok).toBe(true);
    expect(report.bytes).toBe(8 + header.length + span);
    rmSync(dir, { recursive: true });
  });
});
