import { describe, expect, it } from "vitest";
import { formatTick, niceTicks } from "../../../src/report/svg/ticks.js";

describe("niceTicks", () => {
  it("uses 1/2/2.5/5 steps and widens the domain to whole steps", () => {
    const t = niceTicks(0.43, 0.73, 6);
    expect(t.step).toBe(0.1);
    expect(t.values).toEqual([0.4, 0.5, 0.6, 0.7, 0.8]);
    expect(niceTicks(0, 5000, 8).values).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(niceTicks(0.3, 1.55, 6).step).toBe(0.25);
  });
  it("gives a flat series a visible range", () => {
    const t = niceTicks(5, 5);
    expect(t.min).toBeLessThan(5);
    expect(t.max).toBeGreaterThan(5);
    expect(niceTicks(0, 0).values.length).toBeGreaterThan(1);
  });
  it("survives reversed and non-finite bounds", () => {
    expect(niceTicks(10, 0).min).toBe(0);
    expect(niceTicks(NaN, Infinity).values).toEqual(niceTicks(0, 1).values);
  });
});

describe("formatTick", () => {
  it("prints as many decimals as the step needs", () => {
    expect(formatTick(1.25, 0.25)).toBe("1.25");
    expect(formatTick(1.5, 0.25)).toBe("1.50");
    expect(formatTick(0.30000000000000004, 0.1)).toBe("0.3");
    expect(formatTick(20, 5)).toBe("20");
    expect(formatTick(3000, 1000)).toBe("3k");
    expect(formatTick(-0.0000001, 0.5)).toBe("0.0");
  });
});
