// A family of experiments in one file: `variants:` maps a name to an overlay of dotted keys (applied like --set), and
// `grid:` maps dotted keys to lists of values, every combination a variant with a generated name. This file reads
// both from the raw tree; each variant is then validated as a full experiment (load.ts).
import type { Problem } from "../errors.js";
import { isPlainObject } from "./merge.js";
import { FORBIDDEN_KEYS } from "./yaml-read.js";

/** One value of a variant's overlay and where it is written (a YAML path in the family file). */
export interface OverlayEntry {
  key: string;
  value: unknown;
  source: string[];
}

export interface VariantSpec {
  name: string;
  overlay: OverlayEntry[];
}

export interface FamilySpec {
  /** The experiment every variant starts from: the file without `variants` and `grid`. */
  base: Record<string, unknown>;
  variants: VariantSpec[];
}

/** Variant names are folder names and part of the experiment's name. */
export const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A grid larger than this is a typo (or a sweep for another tool), not a family to plan one by one. */
export const MAX_VARIANTS = 256;
/** Set by the family for each variant, never by an overlay. */
const FAMILY_KEYS = new Set(["name", "workdir", "variants", "grid", "extends"]);

function keyProblems(key: string, at: string): Problem[] {
  const parts = key.split(".");
  if (parts.some((p) => p === "")) return [{ path: at, message: `"${key}" is not a dotted key (like stages.grpo.actor.lr)` }];
  const forbidden = parts.find((p) => FORBIDDEN_KEYS.has(p));
  if (forbidden) return [{ path: at, message: `"${forbidden}" is not allowed as a key` }];
  if (FAMILY_KEYS.has(parts[0]!)) return [{ path: at, message: `a variant cannot set ${parts[0]}: the family sets it (<workdir>/variants/<name>)` }];
  return [];
}

function namedVariants(value: unknown, problems: Problem[]): VariantSpec[] {
  if (value === undefined) return [];
  if (!isPlainObject(value)) {
    problems.push({ path: "variants", message: "must map a variant name to its overlay, e.g. lr1: { stages.grpo.actor.lr: 1.0e-6 }" });
    return [];
  }
  return Object.entries(value).flatMap(([name, overlay]) => {
    const at = `variants.${name}`;
    if (!VARIANT_NAME.test(name)) problems.push({ path: at, message: "a variant name has letters, digits, '.', '_' and '-' only" });
    if (overlay === null || overlay === undefined) return [{ name, overlay: [] }];
    if (!isPlainObject(overlay)) {
      problems.push({ path: at, message: "must be a mapping of dotted keys to values, e.g. { stages.grpo.actor.lr: 1.0e-6 }" });
      return [];
    }
    const entries = Object.entries(overlay).map(([key, v]) => ({ key, value: v, source: ["variants", name, key] }));
    problems.push(...entries.flatMap((e) => keyProblems(e.key, `variants.${name}.${e.key}`)));
    return [{ name, overlay: entries }];
  });
}

/** `stages.grpo.actor.lr` → `lr`; more of the key when two grid keys end alike. */
function shortKeys(keys: readonly string[]): string[] {
  const parts = keys.map((k) => k.split("."));
  for (let n = 1; ; n++) {
    const shown = parts.map((p) => p.slice(-n).join("."));
    if (new Set(shown).size === shown.length || n >= Math.max(...parts.map((p) => p.length))) return shown;
  }
}

/** 1e-6 stays 1e-6 (not 0.000001), so the generated name reads as the file was written. */
export function shownValue(value: unknown): string {
  if (typeof value === "number") return value !== 0 && Math.abs(value) < 1e-3 ? value.toExponential() : String(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** `lr=1e-6,kl_coef=0.001` made a folder name: `lr-1e-6_kl_coef-0.001` (anything else unsafe becomes `_`). */
export function gridName(pairs: ReadonlyArray<[string, unknown]>): string {
  const text = pairs.map(([k, v]) => `${k}-${shownValue(v)}`).join("_");
  return text.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[._-]+/, "") || "variant";
}

function gridVariants(value: unknown, problems: Problem[]): VariantSpec[] {
  if (value === undefined) return [];
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    problems.push({ path: "grid", message: "must map dotted keys to lists of values, e.g. { stages.grpo.actor.lr: [1.0e-6, 2.0e-6] }" });
    return [];
  }
  const axes = Object.entries(value);
  for (const [key, values] of axes) {
    problems.push(...keyProblems(key, `grid.${key}`));
    if (!Array.isArray(values) || values.length === 0) problems.push({ path: `grid.${key}`, message: "must be a non-empty list of values" });
  }
  if (problems.length) return [];
  const count = axes.reduce((n, [, values]) => n * (values as unknown[]).length, 1);
  if (count > MAX_VARIANTS) {
    problems.push({ path: "grid", message: `expands to ${count} variants; at most ${MAX_VARIANTS}` });
    return [];
  }
  const labels = shortKeys(axes.map(([key]) => key));
  let combos: OverlayEntry[][] = [[]];
  for (const [key, values] of axes) {
    combos = combos.flatMap((combo) => (values as unknown[]).map((v, i) => [...combo, { key, value: v, source: ["grid", key, String(i)] }]));
  }
  return combos.map((overlay) => ({ name: gridName(overlay.map((e, i) => [labels[i]!, e.value])), overlay }));
}

/** The family a raw tree describes, or no spec when it has neither `variants` nor `grid`. */
export function familyOf(tree: Record<string, unknown>): { spec?: FamilySpec; problems: Problem[] } {
  if (tree.variants === undefined && tree.grid === undefined) return { problems: [] };
  const { variants, grid, ...base } = tree;
  const problems: Problem[] = [];
  const all = [...namedVariants(variants, problems), ...gridVariants(grid, problems)];
  const seen = new Set<string>();
  for (const v of all) {
    if (seen.has(v.name)) problems.push({ path: tree.grid !== undefined ? "grid" : `variants.${v.name}`, message: `two variants are named "${v.name}"` });
    seen.add(v.name);
  }
  if (!all.length && !problems.length) problems.push({ path: "variants", message: "a family needs at least one variant" });
  return problems.length ? { problems } : { spec: { base, variants: all }, problems };
}
