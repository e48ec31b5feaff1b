import { describe, expect, it } from "vitest";
import { formatHydraValue, parseOverride, renderOverride } from "../../../src/tools/verl/hydra-syntax.js";
// The stand-in's independent parser: what we write must read back as the value we meant.
import { parseHydraOverride } from "../../fixtures/verl/hydra-overrides.mjs";

const roundTrip = (value: unknown) => (parseHydraOverride(`k=${formatHydraValue(value)}`) as { value: unknown }).value;

describe("formatHydraValue", () => {
  it("writes numbers, booleans and null so Hydra reads the type", () => {
    expect(formatHydraValue(1e-6)).toBe("1e-6");
    expect(formatHydraValue(0.6)).toBe("0.6");
    expect(formatHydraValue(1024)).toBe("1024");
    expect(formatHydraValue(1, "float")).toBe("1.0");
    expect(formatHydraValue(true)).toBe("true");
    expect(formatHydraValue(null)).toBe("null");
    expect(formatHydraValue(Number.NaN)).toBe("nan");
  });

  it("quotes strings that Hydra would read as another type or could not parse", () => {
    expect(formatHydraValue("vllm")).toBe("vllm");
    expect(formatHydraValue("/data/train.parquet")).toBe("/data/train.parquet");
    expect(formatHydraValue("123")).toBe("'123'");
    expect(formatHydraValue("true")).toBe("'true'");
    expect(formatHydraValue("null")).toBe("'null'");
    expect(formatHydraValue("1e-6")).toBe("'1e-6'");
    expect(formatHydraValue("a,b")).toBe("'a,b'");
    expect(formatHydraValue("/my data/x")).toBe("'/my data/x'");
    expect(formatHydraValue("it's")).toBe("'it\\'s'");
  });

  it("writes lists and dicts in Hydra's syntax", () => {
    expect(formatHydraValue(["console", "file"])).toBe("[console,file]");
    expect(formatHydraValue(["/a b.parquet", "/c.parquet"])).toBe("['/a b.parquet',/c.parquet]");
    expect(formatHydraValue({ num_cpus: 16, env: { A: "x" } })).toBe("{num_cpus:16,env:{A:x}}");
    expect(() => formatHydraValue({ "bad key": 1 })).toThrow(TypeError);
  });

  it.each([
    ["a plain string", "hello"],
    ["a numeric string", "007"],
    ["a path with spaces", "/tmp/my runs/ckpt"],
    ["quotes and backslashes", "a'b\\c\\"],
    ["an interpolation-looking string", "${not.resolved}"],
    ["a float", 1.5e-7],
    ["an int", -3],
    ["a boolean", false],
    ["null", null],
    ["a list of mixed values", ["x y", 2, true, null]],
    ["a nested dict", { a: [1, 2], b: { c: "d e" } }],
  ])("round-trips %s through Hydra's grammar", (_, value) => {
    const expected = typeof value === "string" && value.includes("${") ? value.replace("${", "\\${") : value;
    expect(roundTrip(value)).toEqual(expected);
  });
});

describe("parseOverride", () => {
  it("reads the four override forms", () => {
    expect(parseOverride("a.b=1")).toMatchObject({ kind: "set", key: "a.b", value: "1" });
    expect(parseOverride("+a.b=x")).toMatchObject({ kind: "add", key: "a.b", value: "x" });
    expect(parseOverride("++a.b=x")).toMatchObject({ kind: "force-add", key: "a.b" });
    expect(parseOverride("~a.b")).toMatchObject({ kind: "delete", key: "a.b", value: undefined });
    expect(parseOverride("a.b")).toBeUndefined();
    expect(parseOverride("=1")).toBeUndefined();
  });

  it("renders one argv element", () => {
    expect(renderOverride("trainer.logger", ["console", "file"])).toBe("trainer.logger=[console,file]");
    expect(renderOverride("custom_reward_function.reward_kwargs.x", 1, { add: true })).toBe("+custom_reward_function.reward_kwargs.x=1");
  });
});
