// SFT memory: model states against LLaMA-Factory's published hardware table (README "Hardware Requirement": Full
// bf16/fp16 = 18x GB for x billion parameters, i.e. 120 GB for 7B, 240 GB for 14B, 1200 GB for 70B; LoRA 16-bit = 16 GB
// for 7B; QLoRA 8-bit 10 GB and 4-bit 6 GB for 7B). Tolerances: 10% for the full rows (GB vs GiB is 7% by itself),
// 20% for LoRA/QLoRA, whose table entries include activations of an unstated length (we use cutoff 512, batch 1).
// The 30B "Full" entry (600 GB = 20 bytes/param) is not tested: it breaks the table's own 18x rule.
import { describe, expect, it } from "vitest";
import { builtinDims, paramCount, type ModelDims } from "../../src/resources/model-dims.js";
import { loraParams, modelStates, sftMemory, type SftShape } from "../../src/resources/sft-memory.js";

const GIB = 2 ** 30;
const dims7b = builtinDims("Qwen/Qwen2.5-7B-Instruct")!.dims;

function shape(over: Partial<SftShape> & { dims?: ModelDims } = {}): SftShape {
  const dims = over.dims ?? dims7b;
  const params = over.params ?? paramCount(dims);
  return {
    dims,
    params,
    nodes: 1,
    gpusPerNode: 8,
    zero: { stage: 3, offloadOptimizer: false, offloadParams: false },
    finetuning: "full",
    trainable: params,
    weightBits: 16,
    cutoff: 512,
    microBatch: 1,
    checkpointing: true,
    eagerAttention: false,
    packing: false,
    ...over,
  };
}

const within = (actual: number, expected: number, tolerance: number) => expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(tolerance);

describe("SFT model states vs LLaMA-Factory's hardware table", () => {
  it.each([
    [7e9, 120],
    [14e9, 240],
    [70e9, 1200],
  ])("full bf16 %d params: ZeRO-3 states over all GPUs ≈ %d GB", (params, gb) => {
    const s = shape({ params, trainable: params });
    const states = modelStates(s);
    within(((states.gpuBytes - states.gatheredBytes) * 8) / GIB, gb, 0.1);
  });

  it("LoRA 16-bit 7B ≈ 16 GB (weights + adapter states + short-sequence activations + overhead)", () => {
    // PEFT prints 20,185,088 trainable parameters for Qwen2.5-7B with rank 8 on all linear layers.
    expect(loraParams(dims7b, 8)).toBe(20_185_088);
    const s = shape({ gpusPerNode: 1, zero: { stage: 0, offloadOptimizer: false, offloadParams: false }, finetuning: "lora", trainable: 20_185_088 });
    within(sftMemory(s).perGpu.total, 16, 0.2);
  });

  it.each([
    [8, 10],
    [4, 6],
  ])("QLoRA %d-bit 7B ≈ %d GB", (bits, gb) => {
    const s = shape({
      gpusPerNode: 1,
      zero: { stage: 0, offloadOptimizer: false, offloadParams: false },
      finetuning: "lora",
      trainable: 20_185_088,
      weightBits: bits,
    });
    within(sftMemory(s).perGpu.total, gb, 0.2);
  });
});

describe("SFT per-GPU parts", () => {
  it("the DianJin-R1 7B recipe (ZeRO-3, 8 GPUs, cutoff 16384, batch 1): states 18 × P ÷ 8, within 15% of 16 × P ÷ 8", () => {
    const m = sftMemory(shape({ cutoff: 16384 }));
    const p = 7_615_616_512;
    expect(m.perGpu.parts.model_states).toBeCloseTo((18 * p) / 8 / GIB, 2);
    within(m.perGpu.parts.model_states!, (16 * p) / 8 / GIB, 0.15);
    expect(m.perGpu.parts.zero3_gathered_layer).toBeCloseTo((4 * 152064 * 3584) / GIB, 2);
    expect(m.perGpu.parts.logits).toBeCloseTo(9_965_666_304 / GIB, 2);
    const sum = Object.values(m.perGpu.parts).reduce((a, b) => a + b, 0);
    expect(m.perGpu.total).toBeCloseTo(sum, 2);
  });

  it("offload moves the states to host RAM and reports it", () => {
    const m = sftMemory(shape({ cutoff: 16384, zero: { stage: 3, offloadOptimizer: true, offloadParams: true } }));
    expect(m.perGpu.parts.model_states).toBe(0);
    expect(m.hostBytes).toBe(Math.trunc(7_615_616_512 * 18 * 1.5));
  });

  it("turning gradient checkpointing off grows activations by the layer count", () => {
    const on = sftMemory(shape({ cutoff: 4096 })).perGpu.parts.activations!;
    const off = sftMemory(shape({ cutoff: 4096, checkpointing: false })).perGpu.parts.activations!;
    // 34·sbh·28 vs 2·sbh·28 + 34·sbh.
    expect(off / on).toBeCloseTo((34 * 28) / (2 * 28 + 34), 1);
  });
});
