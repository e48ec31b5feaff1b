// frozenCopy: the plan's data copied and frozen all the way down; what others hold is never frozen.
import { describe, expect, it } from "vitest";
import { frozenCopy } from "../../src/pipeline/freeze.js";

describe("frozenCopy", () => {
  it("copies and freezes nested objects and arrays, keeping shared references and cycles shared", () => {
    const shared = { list: [{ n: 1 }] };
    const value: Record<string, any> = { a: shared, b: shared, deep: { deeper: { list: [1, 2] } } };
    value.self = value;
    const frozen = frozenCopy(value);
    expect(frozen).not.toBe(value);
    expect(frozen.a).toBe(frozen.b);
    expect(frozen.self).toBe(frozen);
    expect(frozen.a).toEqual(shared);
    for (const node of [frozen, frozen.a, frozen.a.list, frozen.a.list[0], frozen.deep.deeper.list]) expect(Object.isFrozen(node)).toBe(true);
    expect(() => frozen.deep.deeper.list.push(3)).toThrow(TypeError);
    // the original (a caller's object, a schema default) is untouched and still mutable
    for (const node of [value, shared, shared.list, value.deep.deeper.list]) expect(Object.isFrozen(node)).toBe(false);
    shared.list.push({ n: 2 });
    expect(frozen.a.list).toHaveLength(1);
  });

  it("keeps skipped keys and class instances by reference, unfrozen", () => {
    const code = { render: () => 1 };
    const when = new Date(0);
    const frozen = frozenCopy({ definition: code, when, data: { x: 1 } }, new Set(["definition"]));
    expect(frozen.definition).toBe(code);
    expect(frozen.when).toBe(when);
    expect(Object.isFrozen(code)).toBe(false);
    expect(Object.isFrozen(when)).toBe(false);
    expect(Object.isFrozen(frozen.data)).toBe(true);
  });
});
