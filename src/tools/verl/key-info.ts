// What verl's config-tree inventories (the snapshots in inventory.ts, the per-release files in releases.ts) say
// about one key; its own file so that both can use it without importing each other.
export type VerlValueType = "bool" | "int" | "float" | "str" | "null" | "list" | "dict" | "missing" | "interpolation";

export interface VerlKeyInfo {
  type: VerlValueType;
  /** The YAML default (absent for `???` and for non-empty sections). */
  default?: unknown;
  /** The section has `_target_` and becomes a verl Config dataclass: an added (+) key fails when it is built. */
  dataclass?: boolean;
}
