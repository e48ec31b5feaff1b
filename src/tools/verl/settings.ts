// The verl keys a GRPO stage sets, each with the experiment-file path it came from, so problems can name it.
import { renameKeyForEra } from "./era.js";
import { parseOverride, type OverrideKind } from "./hydra-syntax.js";
import { verlKeyInfo, type VerlEra } from "./inventory.js";
import { GRPO_OPTION_KEYS, optionValue, type GrpoOptions } from "./options.js";

export interface VerlSetting {
  /** verl key in the era's spelling. */
  key: string;
  value: unknown;
  kind: OverrideKind;
  /** Where the value is set in the experiment file, e.g. stages.grpo.actor.lr. */
  source: string;
}

export interface GrpoSettings {
  era: VerlEra;
  configPath: string;
  byKey: Map<string, VerlSetting>;
  /** The value verl will use: ours, else verl's own default (undefined for interpolations and `???`). */
  value(key: string): unknown;
  /** The experiment-file path to change this key: where it is set, else where an override would go. */
  source(key: string): string;
}

/** Splits an overrides-map key such as "+custom_reward_function.reward_kwargs.x" into kind and verl key. */
export function overrideEntry(rawKey: string): { kind: OverrideKind; key: string } {
  const parsed = parseOverride(rawKey.startsWith("~") ? rawKey : `${rawKey}=`);
  return parsed ? { kind: parsed.kind, key: parsed.key } : { kind: "set", key: rawKey };
}

export function grpoSettings(options: GrpoOptions, era: VerlEra, configPath: string): GrpoSettings {
  const byKey = new Map<string, VerlSetting>();
  for (const [path, currentKey] of Object.entries(GRPO_OPTION_KEYS)) {
    const { key, add } = renameKeyForEra(currentKey, era);
    byKey.set(key, { key, value: optionValue(options, path), kind: add ? "add" : "set", source: `${configPath}.${path}` });
  }
  for (const [rawKey, value] of Object.entries(options.overrides)) {
    const { kind, key } = overrideEntry(rawKey);
    byKey.set(key, { key, value, kind, source: `${configPath}.overrides.${rawKey}` });
  }
  return {
    era,
    configPath,
    byKey,
    value(key) {
      const set = byKey.get(key);
      if (set) return set.kind === "delete" ? undefined : set.value;
      const info = verlKeyInfo(era, key);
      return info && info.type !== "interpolation" && info.type !== "missing" ? info.default : undefined;
    },
    source(key) {
      return byKey.get(key)?.source ?? `${configPath}.overrides.${key}`;
    },
  };
}
