// cluster.gpu.type must be in the GPU table unless its figures are stated.
import { describe, expect, it } from "vitest";
import { experimentSchema } from "../../src/config/schema.js";
import { checkRules } from "../../src/config/rules.js";

const config = (gpu: Record<string, unknown>) => experimentSchema.parse({ name: "x", workdir: "w", model: { base: "m" }, cluster: { gpu } });

describe("cluster.gpu rule", () => {
  it("accepts a table type, and any name whose memory and peak are stated", () => {
    expect(checkRules(config({ type: "H20-96GB" }))).toEqual([]);
    expect(checkRules(config({ type: "MI300X", memory_gb: 192, tflops_bf16: 1307 }))).toEqual([]);
  });

  it("rejects an unknown name without figures, with a suggestion", () => {
    expect(checkRules(config({ type: "A800-80G" }))).toEqual([{ path: "cluster.gpu.type", message: expect.stringContaining('(did you mean "A800-80GB"?)') }]);
    expect(checkRules(config({ type: "MI300X", memory_gb: 192 }))).toHaveLength(1);
  });

  it("rejects a headroom above 1", () => {
    expect(() => config({ headroom: 1.2 })).toThrow();
  });
});
