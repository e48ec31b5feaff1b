import { describe, expect, it } from "vitest";
import { canonicalJson, requestKey } from "../../src/llm/canonical.js";

describe("requestKey", () => {
  const base = { model: "m", messages: [{ role: "user" as const, content: "你好" }], params: { temperature: 0.6, top_p: 0.95 } };
  it("does not depend on key order or undefined fields", () => {
    const reordered = { params: { top_p: 0.95, temperature: 0.6, seed: undefined }, messages: base.messages, model: "m" };
    expect(requestKey(reordered)).toBe(requestKey(base));
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
  });
  it("changes with the model, any message or any sampling param", () => {
    const k = requestKey(base);
    expect(requestKey({ ...base, model: "n" })).not.toBe(k);
    expect(requestKey({ ...base, messages: [{ role: "user", content: "你好!" }] })).not.toBe(k);
    expect(requestKey({ ...base, params: { ...base.params, seed: 1 } })).not.toBe(k);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });
  it("treats absent params like empty params", () => {
    expect(requestKey({ model: "m", messages: [] })).toBe(requestKey({ model: "m", messages: [], params: {} }));
  });
});
