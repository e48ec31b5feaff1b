// Bounds on the raw experiment tree, checked before the schema: values no schema types (a tool's `args`, verl
// `overrides`, endpoint `params`) must still be finite numbers and strings of sane length, and the tree's size is
// bounded so every later step (schema, rules, problem listing with "did you mean") stays fast.
import type { Problem } from "../errors.js";
import { LIMITS } from "../util/limits.js";
import { isPlainObject } from "./merge.js";

/** Enough to fix a file in one go; more would only repeat the same mistake. */
const MAX_PROBLEMS = 20;

function shorten(text: string): string {
  return text.length > 40 ? `${JSON.stringify(text.slice(0, 40))}…` : JSON.stringify(text);
}

export function boundProblems(tree: unknown): Problem[] {
  const problems: Problem[] = [];
  let values = 0;
  const add = (path: readonly string[], message: string) => problems.push({ path: path.join("."), message });
  // Iterative, so a deeply nested tree cannot exhaust the stack before its depth is reported.
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: tree, path: [] }];
  while (stack.length && problems.length < MAX_PROBLEMS) {
    const { value, path } = stack.pop()!;
    if (++values > LIMITS.values) {
      add([], `more than ${LIMITS.values} values in the experiment; this is not a config a run can use`);
      break;
    }
    if (typeof value === "number") {
      // Ranges are the schema's; here only what no range can catch, in the blocks it does not type (args, overrides).
      if (!Number.isFinite(value)) add(path, `must be a finite number, got ${String(value)} (YAML .inf, .nan or a number too large for a double)`);
    } else if (typeof value === "string") {
      if (value.length > LIMITS.stringChars) add(path, `is ${value.length} characters long; at most ${LIMITS.stringChars}`);
    } else if (Array.isArray(value) || isPlainObject(value)) {
      if (path.length >= LIMITS.depth) {
        add(path, `nested more than ${LIMITS.depth} levels deep`);
        continue;
      }
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      if (entries.length > LIMITS.keysPerMapping) {
        add(path, `has ${entries.length} ${Array.isArray(value) ? "items" : "keys"}; at most ${LIMITS.keysPerMapping}`);
        continue;
      }
      for (const [key, child] of entries.reverse()) {
        if (key.length > LIMITS.keyChars) add(path, `key ${shorten(key)} is ${key.length} characters long; at most ${LIMITS.keyChars}`);
        else stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return problems.slice(0, MAX_PROBLEMS);
}
