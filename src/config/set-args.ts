// `--set dotted.key=value`: each value read as YAML (2e-5 is a number, [a,b] a list), `${VAR}`-expanded like the
// file's values, bounded and checked for literal secrets. Every problem names the --set argument it came from.
import type { Problem } from "../errors.js";
import { boundProblems } from "./bounds.js";
import { interpolateEnv, type OnVariable } from "./interpolate.js";
import { literalSecretProblems } from "./literal-secrets.js";
import { setDotted } from "./merge.js";
import { FORBIDDEN_KEYS, parseYamlValue } from "./yaml-read.js";

/** Which dotted path a --set wrote, and how to name that --set in a message. */
export interface SetOrigin {
  key: string[];
  label: string;
  /** Where a file wrote it (a variant's overlay): problems are placed there instead of naming a --set. */
  at?: Problem["at"];
}

const LABEL_CHARS = 80;

function label(key: string, text: string, hideValue: boolean): string {
  const shown = hideValue ? `${key}=***` : `${key}=${text}`;
  return shown.length > LABEL_CHARS ? `${shown.slice(0, LABEL_CHARS)}…` : shown;
}

export interface ParsedSets {
  overrides: Record<string, unknown>;
  origins: SetOrigin[];
  problems: Problem[];
}

/** Reads every --set into one override tree; `onVariable` sees each `${VAR}` read (for secret masking). */
export function parseSets(sets: readonly string[], env: NodeJS.ProcessEnv, onVariable: OnVariable): ParsedSets {
  const problems: Problem[] = [];
  const overrides: Record<string, unknown> = {};
  const origins: SetOrigin[] = [];
  for (const item of sets) {
    const eq = item.indexOf("=");
    const key = eq > 0 ? item.slice(0, eq).trim() : "";
    if (!key || key.split(".").some((p) => p === "")) {
      problems.push({ path: "", set: label(item, "", false).replace(/=$/, ""), message: "expected dotted.key=value" });
      continue;
    }
    const parts = key.split(".");
    const text = item.slice(eq + 1);
    const forbidden = parts.find((p) => FORBIDDEN_KEYS.has(p));
    if (forbidden) {
      problems.push({ path: key, set: label(key, text, false), message: `"${forbidden}" is not allowed as a key` });
      continue;
    }
    const parsed = text === "" ? { value: "", problems: [] } : parseYamlValue(text, key);
    const own: Record<string, unknown> = {};
    if (!parsed.problems.length) setDotted(own, key, parsed.value);
    const secrets = literalSecretProblems(own, [], key);
    const named = label(key, text, secrets.length > 0);
    const mine = [...parsed.problems, ...secrets, ...boundProblems(parsed.value).map((p) => ({ ...p, path: [key, p.path].filter(Boolean).join(".") }))].map(
      (p) => ({ ...p, path: p.path === key || p.path.startsWith(`${key}.`) ? p.path : key, set: named, at: undefined }),
    );
    if (mine.length) {
      problems.push(...mine.map(({ at: _at, ...p }) => p));
      continue;
    }
    const expanded: Problem[] = [];
    const value = interpolateEnv(parsed.value, env, expanded, parts, onVariable);
    problems.push(...expanded.map((p) => ({ ...p, set: named })));
    setDotted(overrides, key, value);
    origins.push({ key: parts, label: named });
  }
  return { overrides, origins, problems };
}

/** The --set that wrote `path` (the last one wins, as in the merge), if any. */
export function originOf(path: readonly string[], origins: readonly SetOrigin[]): SetOrigin | undefined {
  for (let i = origins.length - 1; i >= 0; i--) {
    const { key } = origins[i]!;
    if (key.length <= path.length && key.every((k, j) => k === path[j])) return origins[i];
  }
  return undefined;
}
