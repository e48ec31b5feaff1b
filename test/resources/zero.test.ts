// DeepSpeed's own estimator formulas, checked against the table DeepSpeed's documentation prints for t5-3b
// (docs "Memory Requirements": 2851M params, 32M largest layer, 1 node × 8 GPUs) and against hand arithmetic.
import { describe, expect, it } from "vitest";
import { zero2ModelStates, zero3ModelStates, ddpModelStates } from "../../src/resources/zero.js";

const GIB = 2 ** 30;
const P = 2851e6;
const LL = 32e6;

describe("ZeRO-3 model states (estimate_zero3_model_states_mem_needs, zero_init=1)", () => {
  it("matches DeepSpeed's published t5-3b table to 0.02 GB", () => {
    const both = zero3ModelStates(P, LL, 8, 1, { optimizer: true, params: true });
    expect(both.cpuBytes / GIB).toBeCloseTo(71.68, 1);
    expect(both.gpuBytes / GIB).toBeCloseTo(0.12, 1);
    const opt = zero3ModelStates(P, LL, 8, 1, { optimizer: true, params: false });
    expect(Math.abs(opt.cpuBytes / GIB - 63.72)).toBeLessThan(0.02);
    expect(Math.abs(opt.gpuBytes / GIB - 0.79)).toBeLessThan(0.02);
    const none = zero3ModelStates(P, LL, 8, 1, { optimizer: false, params: false });
    expect(Math.abs(none.cpuBytes / GIB - 1.43)).toBeLessThan(0.02);
    expect(Math.abs(none.gpuBytes / GIB - 6.1)).toBeLessThan(0.02);
  });

  it("is 18 bytes/param ÷ GPUs plus 4 bytes × the largest layer, by hand", () => {
    // 18 × 1e9 / 4 = 4.5e9; 4 × 1e8 = 4e8.
    expect(zero3ModelStates(1e9, 1e8, 4, 1, { optimizer: false, params: false })).toEqual({ gpuBytes: 4.9e9, gatheredBytes: 4e8, cpuBytes: 1e8 * 4 * 4 * 1.5 });
    // Two nodes: host RAM per node is 18 × params ÷ nodes × 1.5.
    expect(zero3ModelStates(1e9, 1e8, 8, 2, { optimizer: true, params: true }).cpuBytes).toBe(1e9 * 18 * 0.5 * 1.5);
  });
});

describe("ZeRO-2 model states (estimate_zero2_model_states_mem_needs)", () => {
  it("matches DeepSpeed's published t5-3b table to 0.05 GB", () => {
    const off = zero2ModelStates(P, 8, 1, true);
    expect(Math.abs(off.gpuBytes / GIB - 5.31)).toBeLessThan(0.02);
    expect(Math.abs(off.cpuBytes / GIB - 127.48)).toBeLessThan(0.05);
    const on = zero2ModelStates(P, 8, 1, false);
    expect(Math.abs(on.gpuBytes / GIB - 15.93)).toBeLessThan(0.02);
    expect(Math.abs(on.cpuBytes / GIB - 127.48)).toBeLessThan(0.05);
  });

  it("is 4 bytes/param + 16 ÷ GPUs without offload, by hand", () => {
    expect(zero2ModelStates(1e9, 8, 1, false).gpuBytes).toBe(4e9 + 2e9);
    expect(zero2ModelStates(1e9, 2, 1, true).cpuBytes).toBe(1e9 * 16 * 1.5);
  });

  it("no DeepSpeed keeps all 16 bytes/param on every GPU", () => {
    expect(ddpModelStates(1e9).gpuBytes).toBe(16e9);
  });
});
