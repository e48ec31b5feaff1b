// Hydra's command-line override syntax: `key=value`, `+key=value` (add), `++key=value` (add or override),
// `~key` (delete). Values are written so Hydra's grammar reads back the intended type.
import type { VerlValueType } from "./key-info.js";

export type OverrideKind = "set" | "add" | "force-add" | "delete";

export interface ParsedOverride {
  kind: OverrideKind;
  key: string;
  /** The value text as written (undefined for a bare `~key`). */
  value?: string;
  input: string;
}

const OVERRIDE = /^(\+\+|\+|~)?([A-Za-z_][\w\-./@]*)(?:=([\s\S]*))?$/;

/** Splits one argv element; undefined when it is not an override (Hydra would stop on it). */
export function parseOverride(input: string): ParsedOverride | undefined {
  const m = OVERRIDE.exec(input);
  if (!m) return undefined;
  const kind: OverrideKind = m[1] === "++" ? "force-add" : m[1] === "+" ? "add" : m[1] === "~" ? "delete" : "set";
  if (kind !== "delete" && m[3] === undefined) return undefined;
  return { kind, key: m[2]!, value: m[3], input };
}

// Characters Hydra accepts in an unquoted value (its ID and UNQUOTED_CHAR lexer rules, plus ':').
const SAFE_UNQUOTED = /^[A-Za-z0-9_\-+./@:%*?|]+$/;
// Unquoted text Hydra would read as something other than a string.
const LOOKS_TYPED = /^(?:true|false|null|[+-]?(?:inf|nan)|[+-]?(?:\d[\d_]*)?(?:\.[\d_]*)?(?:e[+-]?\d+)?)$/i;

/** Single-quoted Hydra string: \' for quotes; backslashes doubled only before a quote or at the end; ${ kept literal. */
function quote(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] === "\\") {
      let j = i;
      while (text[j] === "\\") j++;
      const run = text.slice(i, j);
      out += j === text.length || text[j] === "'" ? run + run : run;
      i = j;
    } else if (text[i] === "'") {
      out += "\\'";
      i++;
    } else if (text.startsWith("${", i)) {
      out += "\\${";
      i += 2;
    } else {
      out += text[i];
      i++;
    }
  }
  return `'${out}'`;
}

export function formatHydraString(text: string): string {
  return SAFE_UNQUOTED.test(text) && !LOOKS_TYPED.test(text) ? text : quote(text);
}

function formatNumber(n: number, hint?: VerlValueType): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  // An int where verl declares a float is harmless, but 1.0 keeps the rendered file honest about intent.
  if (Number.isInteger(n) && hint === "float" && Math.abs(n) < 1e21) return `${n}.0`;
  // 1e-6 rather than 0.000001: what verl's own scripts write, and Hydra reads both as a float.
  if (n !== 0 && Math.abs(n) < 1e-4) return n.toExponential();
  return String(n);
}

/** Formats a JSON-like value as a Hydra override value. `hint` is the type of verl's default for the key. */
export function formatHydraValue(value: unknown, hint?: VerlValueType): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return formatNumber(value, hint);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return formatHydraString(value);
  if (Array.isArray(value)) return `[${value.map((v) => formatHydraValue(v)).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      if (!/^[A-Za-z_][\w-]*$/.test(k)) throw new TypeError(`dictionary key "${k}" cannot be written as a Hydra override`);
      return `${k}:${formatHydraValue(v)}`;
    });
    return `{${entries.join(",")}}`;
  }
  throw new TypeError(`cannot write a ${typeof value} as a Hydra override value`);
}

/** One argv element. */
export function renderOverride(key: string, value: unknown, options: { add?: boolean; hint?: VerlValueType } = {}): string {
  return `${options.add ? "+" : ""}${key}=${formatHydraValue(value, options.hint)}`;
}
