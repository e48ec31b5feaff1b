import { describe, expect, it } from "vitest";
import { parsePythonStringDict, PythonLiteralError } from "../../../src/data/sources/index.js";

describe("parsePythonStringDict", () => {
  it("reads the single-quoted dicts CFLUE stores", () => {
    expect(parsePythonStringDict("{'A': '货币市场', 'B': '债券市场'}")).toEqual({ A: "货币市场", B: "债券市场" });
  });
  it("handles both quote styles, escapes, concatenation, prefixes and a trailing comma", () => {
    const text = String.raw`{"A": "it's", 'B': 'say \'hi\' \"x\"', 'C': 'a\\b\tc\nd', 'D': '\u4e2d\x41\101\U0001F600', 'E': 'ab' "cd", u'F': r'\d+', 'G': 'keep \q',}`;
    expect(parsePythonStringDict(text)).toEqual({ A: "it's", B: `say 'hi' "x"`, C: "a\\b\tc\nd", D: "中AA😀", E: "abcd", F: "\\d+", G: "keep \\q" });
  });
  it("accepts an empty dict and surrounding whitespace", () => {
    expect(parsePythonStringDict("  {}  ")).toEqual({});
  });
  it.each([
    ["{'A': 'x'", "ends before the closing }"],
    ["{'A': 'x}", "unterminated string"],
    ["{'A': 1}", "expected a quoted string"],
    ["{'A': 'x', 'A': 'y'}", 'duplicate key "A"'],
    ["{'A': 'x'} extra", "unexpected text"],
    ["['A']", "expected {"],
    ["{'A' 'x'}", "expected :"],
    [String.raw`{'A': '\x4'}`, "bad \\x escape"],
    ["{'A': '''x'''}", "triple-quoted"],
  ])("rejects %s", (text, message) => {
    expect(() => parsePythonStringDict(text)).toThrow(PythonLiteralError);
    expect(() => parsePythonStringDict(text)).toThrow(message);
  });
  it("never evaluates code", () => {
    expect(() => parsePythonStringDict("{'A': __import__('os').system('x')}")).toThrow(PythonLiteralError);
  });
});
