// verl's trainer config keys per era (the project's own generated copies, see config-tree.*.json) and lookups on them.
import { readReleaseJson } from "../releases.js";
import type { VerlKeyInfo, VerlValueType } from "./key-info.js";
import { verlReleaseInventory } from "./releases.js";
import { distUrl } from "../../util/dist-path.js";

/**
 * Which config tree: a listed verl release ("0.3.0.post1" … "0.7.0", see releases/), or one of the two snapshots kept
 * from before the per-release inventories: "seed" (main of April 2025, what DianJin-R1 ran) and "current" (main of
 * January 2026, 0.8.0.dev), used when the version is not known.
 */
export type VerlEra = string;
export const VERL_ERAS: readonly VerlEra[] = ["seed", "current"];

export type { VerlKeyInfo, VerlValueType };

export interface VerlInventory {
  era: VerlEra;
  /** Which verl commit and file the keys were read from. */
  source: string;
  keys: Readonly<Record<string, VerlKeyInfo>>;
}

/** The two snapshots, read on first use like the releases (a stated release never needs them). */
function snapshot(era: "seed" | "current"): VerlInventory {
  const file = readReleaseJson<{ source: string; keys: Record<string, VerlKeyInfo> }>(distUrl(`tools/verl/config-tree.${era}.json`));
  return { era, source: file.source, keys: file.keys };
}

/** The inventory of `era`; a release's file is read the first time it is asked for. */
export function verlInventory(era: VerlEra): VerlInventory {
  let inventory = RELEASES.get(era);
  if (!inventory) {
    if (era === "seed" || era === "current") inventory = snapshot(era);
    else {
      const file = verlReleaseInventory(era);
      inventory = { era, source: file.source, keys: file.keys };
    }
    RELEASES.set(era, inventory);
  }
  return inventory;
}

const RELEASES = new Map<string, VerlInventory>();

export function verlKeyInfo(era: VerlEra, key: string): VerlKeyInfo | undefined {
  const keys = verlInventory(era).keys;
  return Object.hasOwn(keys, key) ? keys[key] : undefined;
}

/** Keys directly under `section` ("" for the top level). */
export function childKeys(era: VerlEra, section: string): string[] {
  const prefix = section ? `${section}.` : "";
  return Object.keys(verlInventory(era).keys).filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes("."));
}
