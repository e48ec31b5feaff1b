// verl's trainer config keys per era (the project's own generated copies, see config-tree.*.json) and lookups on them.
import current from "./config-tree.current.json" with { type: "json" };
import seed from "./config-tree.seed.json" with { type: "json" };

/** "seed": the single-file config of verl 0.3 / main of April 2025 (what DianJin-R1 ran); "current": v0.4.1 and later. */
export type VerlEra = "seed" | "current";
export const VERL_ERAS: readonly VerlEra[] = ["seed", "current"];

export type VerlValueType = "bool" | "int" | "float" | "str" | "null" | "list" | "dict" | "missing" | "interpolation";

export interface VerlKeyInfo {
  type: VerlValueType;
  /** The YAML default (absent for `???` and for non-empty sections). */
  default?: unknown;
  /** The section has `_target_` and becomes a verl Config dataclass: an added (+) key fails when it is built. */
  dataclass?: boolean;
}

export interface VerlInventory {
  era: VerlEra;
  /** Which verl commit and file the keys were read from. */
  source: string;
  keys: Readonly<Record<string, VerlKeyInfo>>;
}

const INVENTORIES: Record<VerlEra, VerlInventory> = {
  current: { era: "current", source: current.source, keys: current.keys as Record<string, VerlKeyInfo> },
  seed: { era: "seed", source: seed.source, keys: seed.keys as Record<string, VerlKeyInfo> },
};

export function verlInventory(era: VerlEra): VerlInventory {
  return INVENTORIES[era];
}

export function verlKeyInfo(era: VerlEra, key: string): VerlKeyInfo | undefined {
  return Object.hasOwn(INVENTORIES[era].keys, key) ? INVENTORIES[era].keys[key] : undefined;
}

/** Keys directly under `section` ("" for the top level). */
export function childKeys(era: VerlEra, section: string): string[] {
  const prefix = section ? `${section}.` : "";
  return Object.keys(INVENTORIES[era].keys).filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes("."));
}
