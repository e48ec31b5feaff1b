// Which key inventory a verl version uses, and the keys that were renamed between the eras.
import { compareVersions, parseToolVersion, type ToolVersion } from "../releases.js";
import { verlKeyInfo, type VerlEra } from "./inventory.js";
import { isVerlRelease } from "./releases.js";

export type VerlVersion = ToolVersion;

/** Parses "0.3.0.post1", "v0.7.0", "0.8.0.dev", "verl 0.6.1", "0.4.1+cu124". */
export const parseVerlVersion = parseToolVersion;

function atLeast(v: VerlVersion, major: number, minor: number, patch: number): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/**
 * "seed" before 0.4.1 (checkpoint.contents, top-level ray_init), "current" from 0.4.1 on (save_contents; the Hydra
 * component layout followed in 0.5.0 with the same override paths for everything the recipe sets).
 * Undefined when the text holds no version number.
 */
export function detectVerlEra(version: string): VerlEra | undefined {
  const v = parseVerlVersion(version);
  if (!v) return undefined;
  return atLeast(v, 0, 4, 1) ? "current" : "seed";
}

/** The config generation of an era: "seed" before 0.4.1 (checkpoint.contents, top-level ray_init), else "current". */
export function eraGeneration(era: VerlEra): "seed" | "current" {
  if (!isVerlRelease(era)) return era as "seed" | "current";
  return compareVersions(era, "0.4.1") >= 0 ? "current" : "seed";
}

/** The `file` logger backend (JSONL metrics) exists from verl 0.6.0 on. */
export function verlHasFileLogger(version: string): boolean {
  const v = parseVerlVersion(version);
  return v !== undefined && atLeast(v, 0, 6, 0);
}

export interface VerlRename {
  /** The older spelling (a key or a whole section). */
  older: string;
  newer: string;
  /** First release with the newer spelling. */
  since: string;
  note: string;
}

export const VERL_RENAMES: readonly VerlRename[] = [
  {
    older: "actor_rollout_ref.actor.checkpoint.contents",
    newer: "actor_rollout_ref.actor.checkpoint.save_contents",
    since: "0.4.1",
    note: "split into save_contents and load_contents (load defaults to save)",
  },
  { older: "critic.checkpoint.contents", newer: "critic.checkpoint.save_contents", since: "0.4.1", note: "split into save_contents and load_contents" },
  { older: "ray_init", newer: "ray_kwargs.ray_init", since: "0.4.1", note: "Ray options moved under ray_kwargs" },
  {
    older: "actor_rollout_ref.rollout.engine_kwargs.swap_space",
    newer: "actor_rollout_ref.rollout.engine_kwargs.vllm.swap_space",
    since: "0.4.1",
    note: "engine kwargs are now per engine (vllm/sglang/trtllm)",
  },
  { older: "trainer.val_generations_to_log_to_wandb", newer: "trainer.log_val_generations", since: "0.3.1", note: "renamed" },
];

/** Keys that exist in no later verl: a "did you mean" for them would mislead. */
export const VERL_REMOVED_KEYS: Readonly<Record<string, string>> = {
  "actor_rollout_ref.rollout.use_fire_sampling": "FIRE sampling was removed from verl after 0.3",
};

export interface EraKey {
  key: string;
  /** The key is not in the era's config but its parent section is a plain dict: it must be passed as `+key=value`. */
  add: boolean;
}

function replacePrefix(key: string, from: string, to: string): string | undefined {
  if (key === from) return to;
  if (key.startsWith(`${from}.`)) return `${to}${key.slice(from.length)}`;
  return undefined;
}

function parentOf(key: string): string {
  const dot = key.lastIndexOf(".");
  return dot === -1 ? "" : key.slice(0, dot);
}

/** A key can be set in `era`: it exists, or its parent is a dict section without a dataclass behind it. */
function placeable(era: VerlEra, key: string): EraKey | undefined {
  if (verlKeyInfo(era, key)) return { key, add: false };
  const parent = verlKeyInfo(era, parentOf(key));
  if (parent?.type === "dict" && !parent.dataclass) return { key, add: true };
  return undefined;
}

/** The rename that explains why `key` is unknown in `era`, if any. */
export function renameFor(key: string, era: VerlEra): { rename: VerlRename; key: string } | undefined {
  if (isVerlRelease(era)) {
    // A listed release knows exactly which side of each rename it is on.
    for (const rename of VERL_RENAMES) {
      const newer = compareVersions(era, rename.since) >= 0;
      const translated = newer ? replacePrefix(key, rename.older, rename.newer) : replacePrefix(key, rename.newer, rename.older);
      if (translated && placeable(era, translated)) return { rename, key: translated };
    }
    return undefined;
  }
  for (const rename of VERL_RENAMES) {
    const [from, to] = era === "current" ? [rename.older, rename.newer] : [rename.newer, rename.older];
    const translated = replacePrefix(key, from, to);
    if (translated && placeable(era, translated)) return { rename, key: translated };
  }
  // Renames older than the seed era point forward in both eras.
  if (era === "seed") {
    for (const rename of VERL_RENAMES) {
      const translated = replacePrefix(key, rename.older, rename.newer);
      if (translated && verlKeyInfo(era, translated)) return { rename, key: translated };
    }
  }
  return undefined;
}

/** Spells `key` the way verl of `era` expects it; keys valid as they are come back unchanged. */
export function renameKeyForEra(key: string, era: VerlEra): EraKey {
  if (verlKeyInfo(era, key)) return { key, add: false };
  const renamed = renameFor(key, era);
  if (renamed) return placeable(era, renamed.key)!;
  return { key, add: false };
}
