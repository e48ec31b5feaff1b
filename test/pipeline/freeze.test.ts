// deepFreeze: plain data frozen all the way down; named keys, class instances and shared code left alone.
import { describe, expect, it } from "vitest";
import { deepFreeze } from "../../src/pipeline/freeze.js";

describe("deepFreeze", () => {
  it("freezes nested objects and arrays, through shared and cyclic references", () => {
    const shared = { list: [{ n: 1 }] };
    const value: Record<string, any> = { a: shared, b: shared, deep: { deeper: { list: [1, 2] } } };
    value.self = value;
    deepFreeze(value);
    for (const node of [value, shared, shared.list, shared.list[0], value.deep, value.deep.deeper, value.deep.deeper.list]) expect(Object.isFrozen(node)).toBe(true);
    expect(() => value.deep.deeper.list.push(3)).toThrow(TypeError);
  });

  it("leaves the skipped keys and class instances mutable", () => {
    const code = { render: () => 1 };
    const when = new Date(0);
    const value = deepFreeze({ definition: code, when, data: { x: 1 } }, new Set(["definition"]));
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(code)).toBe(false);
    expect(Object.isFrozen(when)).toBe(false);
    expect(Object.isFrozen(value.data)).toBe(true);
  });
});
