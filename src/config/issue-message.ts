// Schema problems in words a user reads once: "must be a whole number from 0 to 64, got "two"", not zod's
// "Invalid input: expected number, received string". The number's range is read from the schema itself.
import type { z } from "zod";
import { isSecretKey } from "../util/secrets.js";
import { suggestion } from "../util/did-you-mean.js";
import { leavesOf, schemasAt } from "./schema-walk.js";

export interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  values?: unknown[];
}

type Check = { check?: string; value?: number; inclusive?: boolean; format?: string };

function numberRule(schema: z.ZodType, path: PropertyKey[]): string | undefined {
  for (const leaf of schemasAt(schema, path).flatMap(leavesOf)) {
    const d = (leaf as unknown as { _zod: { def: { type: string; checks?: Array<{ _zod: { def: Check } }> } } })._zod.def;
    if (d.type !== "number") continue;
    const checks = (d.checks ?? []).map((c) => c._zod.def);
    const whole = checks.some((c) => c.check === "number_format" && /int/.test(c.format ?? ""));
    const bound = (kind: string) => checks.find((c) => c.check === kind);
    const lo = bound("greater_than");
    const hi = bound("less_than");
    // For whole numbers, "> 0" reads better as "≥ 1".
    const low = lo && whole && !lo.inclusive ? { value: lo.value! + 1, inclusive: true } : lo;
    const kind = whole ? "a whole number" : "a number";
    if (low && hi && low.inclusive && hi.inclusive) return `${kind} from ${low.value} to ${hi.value}`;
    const parts = [low && `${low.inclusive ? "≥" : ">"} ${low.value}`, hi && `${hi.inclusive ? "≤" : "<"} ${hi.value}`].filter(Boolean);
    return parts.length ? `${kind} ${parts.join(" and ")}` : kind;
  }
  return undefined;
}

function shown(value: unknown, path: PropertyKey[]): string {
  const key = String(path[path.length - 1] ?? "");
  if (isSecretKey(key)) return "a value (not shown: the key names a secret)";
  const text =
    typeof value === "string"
      ? JSON.stringify(value)
      : value === null
        ? "null"
        : Array.isArray(value)
          ? "a list"
          : typeof value === "object"
            ? "a mapping"
            : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  boolean: "true or false",
  array: "a list",
  object: "a mapping (key: value pairs)",
  record: "a mapping (key: value pairs)",
};

type LeafDef = { type: string; entries?: Record<string, unknown>; values?: unknown[]; shape?: Record<string, unknown> };

/** What one alternative of a union accepts, in words. */
function describeLeaf(leaf: z.ZodType, schema: z.ZodType, path: PropertyKey[]): string | undefined {
  const d = (leaf as unknown as { _zod: { def: LeafDef } })._zod.def;
  if (d.type === "enum" && d.entries) return `one of ${Object.values(d.entries).join(", ")}`;
  if (d.type === "literal" && d.values) return d.values.map((v) => JSON.stringify(v)).join(", ");
  if (d.type === "object") return `a mapping with ${Object.keys(d.shape ?? {}).join(", ")}`;
  if (d.type === "number") return numberRule(schema, path);
  return TYPE_WORDS[d.type] ?? d.type;
}

function unionMessage(schema: z.ZodType, path: PropertyKey[]): string | undefined {
  const parts = schemasAt(schema, path)
    .flatMap(leavesOf)
    .map((leaf) => describeLeaf(leaf, schema, path))
    .filter((p): p is string => Boolean(p));
  return parts.length ? `must be ${[...new Set(parts)].join(", or ")}` : undefined;
}

export function issueMessage(issue: SchemaIssue, schema: z.ZodType): string {
  const got = "input" in issue ? `, got ${shown(issue.input, issue.path)}` : "";
  const numeric = issue.expected === "number" || issue.expected === "int" || issue.origin === "number" || issue.origin === "int";
  if (issue.code === "invalid_type" && issue.input === undefined && !("received" in issue)) return "is required";
  if (numeric && ["invalid_type", "too_small", "too_big"].includes(issue.code)) {
    const rule = numberRule(schema, issue.path);
    if (rule) return `must be ${rule}${got}`;
  }
  if (issue.code === "invalid_type" && issue.expected && TYPE_WORDS[issue.expected]) return `must be ${TYPE_WORDS[issue.expected]}${got}`;
  if ((issue.code === "too_small" || issue.code === "too_big") && issue.origin === "string") {
    return issue.code === "too_small" && Number(issue.minimum) === 1
      ? "must not be empty"
      : `must be ${issue.code === "too_small" ? "at least" : "at most"} ${issue.minimum ?? issue.maximum} characters`;
  }
  if ((issue.code === "too_small" || issue.code === "too_big") && issue.origin === "array") {
    return `needs ${issue.code === "too_small" ? "at least" : "at most"} ${issue.minimum ?? issue.maximum} item(s)`;
  }
  if (issue.code === "invalid_value" && issue.values) {
    const values = issue.values.map(String);
    const typed = typeof issue.input === "string" && issue.input.length <= 100 ? suggestion(issue.input, values) : "";
    return `must be one of ${values.join(", ")}${got}${typed}`;
  }
  if (issue.code === "invalid_union") {
    const message = unionMessage(schema, issue.path);
    if (message) return `${message}${got}`;
  }
  return issue.message;
}
