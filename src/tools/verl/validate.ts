// Checks override keys the way Hydra and verl will, before anything starts: an unknown key stops verl with
// "Could not override 'x.y'. Key 'y' is not in struct"; here the same finding names the experiment-file key,
// explains renames between verl versions and suggests the nearest real key.
import type { Problem } from "../../errors.js";
import { closest } from "../../util/did-you-mean.js";
import { renameFor, VERL_REMOVED_KEYS } from "./era.js";
import { parseOverride, type ParsedOverride } from "./hydra-syntax.js";
import { childKeys, verlInventory, verlKeyInfo, type VerlEra } from "./inventory.js";
import { isVerlRelease, verlKeyNote } from "./releases.js";
import { overrideEntry } from "./settings.js";

interface Entry {
  kind: ParsedOverride["kind"];
  key: string;
  /** true when the value is a list or dict (Hydra lets `+` merge those into an existing key). */
  collection: boolean;
  /** Typed value, when known (map form). */
  value?: unknown;
  hasValue: boolean;
  path: string;
  input: string;
}

const eraLabel = (era: VerlEra) => (isVerlRelease(era) ? `verl ${era}` : era === "current" ? "verl >= 0.4.1" : "the seed-era verl (0.3 / April 2025)");

/** The first dotted prefix that is not in the config: Hydra reports that segment. */
function firstMissing(era: VerlEra, key: string): { segment: string; fullKey: string; parent: string } {
  const parts = key.split(".");
  for (let i = 0; i < parts.length; i++) {
    const fullKey = parts.slice(0, i + 1).join(".");
    if (!verlKeyInfo(era, fullKey)) return { segment: parts[i]!, fullKey, parent: parts.slice(0, i).join(".") };
  }
  return { segment: parts[parts.length - 1]!, fullKey: key, parent: parts.slice(0, -1).join(".") };
}

/** The nearest real key: a sibling with a similar name, else the same leaf name elsewhere, else any similar key. */
export function suggestVerlKey(era: VerlEra, key: string): string | undefined {
  const { segment, parent } = firstMissing(era, key);
  const rest = key.split(".").slice(parent ? parent.split(".").length + 1 : 1);
  const siblings = childKeys(era, parent).map((k) => k.split(".").pop()!);
  const near = closest(segment, siblings);
  if (near) {
    const candidate = [parent, near, ...rest].filter(Boolean).join(".");
    if (verlKeyInfo(era, candidate)) return candidate;
    if (rest.length === 0) return candidate;
  }
  const all = Object.keys(verlInventory(era).keys);
  const leaf = key.split(".").pop()!;
  const sameLeaf = all.filter((k) => k.endsWith(`.${leaf}`) || k === leaf);
  if (sameLeaf.length) return closest(key, sameLeaf) ?? sameLeaf.sort((a, b) => a.length - b.length)[0];
  const nearLeaf = all.filter((k) => closest(leaf, [k.split(".").pop()!]) !== undefined);
  return nearLeaf.length ? (closest(key, nearLeaf) ?? undefined) : closest(key, all);
}

function nearestExisting(era: VerlEra, key: string): string {
  const parts = key.split(".");
  for (let i = parts.length - 1; i > 0; i--) {
    const prefix = parts.slice(0, i).join(".");
    if (verlKeyInfo(era, prefix)) return prefix;
  }
  return "";
}

function unknownKeyMessage(era: VerlEra, entry: Entry): string {
  const { segment, fullKey } = firstMissing(era, entry.key);
  const hydra = `verl would stop with "Could not override '${entry.key}'. Key '${segment}' is not in struct" (full_key: ${fullKey})`;
  const removed = VERL_REMOVED_KEYS[entry.key];
  if (removed) return `${hydra}: ${removed}`;
  const renamed = renameFor(entry.key, era);
  if (renamed) {
    return `${hydra}: in ${eraLabel(era)} this key is spelled "${renamed.key}" (${renamed.rename.note}; renamed in verl ${renamed.rename.since})`;
  }
  const note = isVerlRelease(era) ? verlKeyNote(entry.key, era) : undefined;
  if (note) return `${hydra}: ${entry.key} is not in verl ${era}'s trainer config — it was ${note} (state tools.verl.version if yours differs)`;
  const near = suggestVerlKey(era, entry.key);
  const hint = near ? `; did you mean "${near}"?` : `; write +${entry.key}=... only if verl's code reads a key its config does not declare`;
  return `${hydra}: not a key of ${eraLabel(era)}'s trainer config${hint}`;
}

function checkEntry(era: VerlEra, entry: Entry): string | undefined {
  const info = verlKeyInfo(era, entry.key);
  switch (entry.kind) {
    case "delete":
      return info ? undefined : `verl would stop with "Could not delete from config. '${entry.key}' does not exist."`;
    case "set":
      if (!entry.hasValue) return `"${entry.input}" is not a Hydra override (key=value)`;
      if (!info) return unknownKeyMessage(era, entry);
      return typeProblem(entry, info.type);
    case "add":
    case "force-add": {
      if (entry.kind === "add" && info && info.default !== null && info.default !== undefined && !entry.collection && info.type !== "missing") {
        const input = entry.input.replace(/^\+/, "");
        return `verl would stop with "Could not append to config. An item is already at '${entry.key}'": drop the + (${input})`;
      }
      if (info) return undefined;
      const parent = nearestExisting(era, entry.key);
      if (parent && verlKeyInfo(era, parent)?.dataclass) {
        const renamed = renameFor(entry.key, era);
        const spelled = renamed ? ` (the key is spelled "${renamed.key}" in ${eraLabel(era)})` : "";
        return `verl builds ${parent} into a Config dataclass, so an added key fails there ("unexpected keyword argument '${entry.key.slice(parent.length + 1)}'")${spelled}`;
      }
      return undefined;
    }
  }
}

const KIND_PREFIX: Record<ParsedOverride["kind"], string> = { set: "", add: "+", "force-add": "++", delete: "~" };

const NUMERIC = new Set(["int", "float"]);

/** A string where verl expects a number or boolean: Hydra keeps it a string and verl fails deep inside. */
function typeProblem(entry: Entry, declared: string): string | undefined {
  if (typeof entry.value !== "string") return undefined;
  if (NUMERIC.has(declared) && entry.value.trim() !== "" && !Number.isNaN(Number(entry.value))) {
    return `a quoted number ("${entry.value}") would reach verl as a string; write it without quotes`;
  }
  if (declared === "bool" && /^(true|false)$/i.test(entry.value)) {
    return `a quoted boolean ("${entry.value}") would reach verl as a string; write it without quotes`;
  }
  return undefined;
}

function entriesFrom(overrides: readonly string[] | Readonly<Record<string, unknown>>, configPath: string): Entry[] | Problem[] {
  const base = `${configPath}.overrides`;
  if (Array.isArray(overrides)) {
    const entries: Entry[] = [];
    const bad: Problem[] = [];
    for (const input of overrides as readonly string[]) {
      const parsed = parseOverride(input);
      if (!parsed) {
        bad.push({ path: base, message: `"${input}" is not a Hydra override (key=value, +key=value, ++key=value or ~key)` });
        continue;
      }
      const text = parsed.value?.trim() ?? "";
      entries.push({
        kind: parsed.kind,
        key: parsed.key,
        collection: text.startsWith("[") || text.startsWith("{"),
        hasValue: parsed.value !== undefined,
        path: `${base}.${KIND_PREFIX[parsed.kind]}${parsed.key}`,
        input,
      });
    }
    return bad.length ? bad : entries;
  }
  return Object.entries(overrides).map(([rawKey, value]) => {
    const { kind, key } = overrideEntry(rawKey);
    return {
      kind,
      key,
      value,
      collection: Array.isArray(value) || (value !== null && typeof value === "object"),
      hasValue: true,
      path: `${base}.${rawKey}`,
      input: `${rawKey}=${typeof value === "string" ? value : JSON.stringify(value)}`,
    };
  });
}

/**
 * Problems Hydra/verl would stop on for these overrides: an argv list (`key=value`, `+key=value`, `++key=value`,
 * `~key`) or the experiment file's `overrides` map. Paths name `<configPath>.overrides.<key>`.
 */
export function validateOverrides(overrides: readonly string[] | Readonly<Record<string, unknown>>, era: VerlEra, configPath: string): Problem[] {
  const entries = entriesFrom(overrides, configPath);
  if (entries.length && !("kind" in entries[0]!)) return entries as Problem[];
  const problems: Problem[] = [];
  for (const entry of (entries as Entry[]).flatMap((e) => expandDict(era, e))) {
    const message = checkEntry(era, entry);
    if (message) problems.push({ path: entry.path, message });
  }
  return problems;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Setting a section to a dict merges it key by key in struct mode, so every nested key must exist too. */
function expandDict(era: VerlEra, entry: Entry): Entry[] {
  if (entry.kind !== "set" || !isPlainObject(entry.value) || verlKeyInfo(era, entry.key)?.type !== "dict") return [entry];
  const nested = Object.entries(entry.value);
  if (nested.length === 0) return [entry];
  return nested.flatMap(([k, v]) =>
    expandDict(era, {
      ...entry,
      key: `${entry.key}.${k}`,
      value: v,
      collection: Array.isArray(v) || isPlainObject(v),
      path: `${entry.path}.${k}`,
      input: `${entry.key}.${k}=${JSON.stringify(v)}`,
    }),
  );
}
