// LLaMA-Factory's key inventory (the project's own copy, see keys.json) and the checks made against it.
import inventory from "./keys.json" with { type: "json" };
import type { Problem } from "../../errors.js";
import { suggestion } from "../../util/did-you-mean.js";
import type { KeyInfo } from "./key-info.js";
import { llamafactoryKeyNote, llamafactoryKeyReleases, llamafactoryReleaseKeys } from "./releases.js";

export type { KeyInfo };

export const LLAMAFACTORY_KEYS: Readonly<Record<string, KeyInfo>> = inventory.keys as Record<string, KeyInfo>;
export const REMOVED_KEYS: Readonly<Record<string, string>> = inventory.removed;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeAccepts(declared: string, value: unknown): boolean {
  const allowed = declared.split("|");
  const actual = typeOf(value);
  if (allowed.includes(actual)) return true;
  // Python accepts an int where a float is declared; YAML's 3 for num_train_epochs is fine.
  return actual === "integer" && allowed.includes("number");
}

function unknownKeyMessage(key: string, names: readonly string[], release: string | undefined): string {
  const note = release ? llamafactoryKeyNote(key, release) : undefined;
  if (note) return `not a key of LLaMA-Factory ${release}: ${key} was ${note} (state tools.llamafactory.version if yours differs)`;
  const removed = REMOVED_KEYS[key];
  if (removed) return `LLaMA-Factory no longer accepts this key: ${removed}`;
  const of = release ? ` of LLaMA-Factory ${release}` : "";
  return `not a key llamafactory-cli train${of} accepts (it would stop with "Some keys are not used by the HfArgumentParser")${suggestion(key, names)}`;
}

/**
 * Checks every key and value against the inventory of `release` (a listed LLaMA-Factory release; default: the
 * project's current snapshot, keys.json); `pathPrefix` is where the keys sit in the experiment file.
 */
export function checkLlamaFactoryArgs(args: Record<string, unknown>, pathPrefix: string, release?: string): Problem[] {
  const problems: Problem[] = [];
  const inventory = release ? llamafactoryReleaseKeys(release) : LLAMAFACTORY_KEYS;
  const names = Object.keys(inventory);
  for (const [key, value] of Object.entries(args)) {
    const path = `${pathPrefix}.${key}`;
    const info = inventory[key];
    if (!info) {
      problems.push({ path, message: unknownKeyMessage(key, names, release) });
      continue;
    }
    if (!typeAccepts(info.type, value)) {
      const shown = typeof value === "string" ? `"${value}"` : JSON.stringify(value);
      problems.push({ path, message: `expected ${info.type.replaceAll("|", " or ")}, got ${typeOf(value)} ${shown} (LLaMA-Factory does not convert types)` });
      continue;
    }
    if (info.choices && typeof value === "string" && !info.choices.includes(value)) {
      problems.push({ path, message: `"${value}" is not one of ${info.choices.join(", ")}${suggestion(value, info.choices)}` });
    }
    if (info.choices && Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === "string" && !info.choices.includes(item)) {
          problems.push({ path, message: `"${item}" is not one of ${info.choices.join(", ")}${suggestion(item, info.choices)}` });
        }
      }
    }
  }
  return problems;
}

/**
 * Keys whose presence differs between the listed releases, for when the version is not known: each is a problem
 * that asks for the version instead of guessing.
 */
export function llamafactoryKeysNeedingVersion(args: Record<string, unknown>, pathPrefix: string, why: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(args)) {
    const present = llamafactoryKeyReleases(key);
    if (!present) continue;
    problems.push({
      path: `${pathPrefix}.${key}`,
      message: `only LLaMA-Factory ${present.join(", ")} accept ${key}, and ${why}; state tools.llamafactory.version`,
    });
  }
  return problems;
}
