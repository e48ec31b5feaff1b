// Which listed release of a tool a stated or probed version is checked against, and "added in X" / "removed in Y"
// for a key from the releases that have it. The per-release inventories are JSON files read on first use only, so
// `plan` loads just the release it needs.
import { readFileSync } from "node:fs";

export interface ToolVersion {
  major: number;
  minor: number;
  patch: number;
  /** What followed the numbers (".post1", ".dev", "+g6a9bef7"), verbatim. */
  suffix: string;
}

/** Parses "0.3.0.post1", "v0.7.0", "0.8.0.dev", "verl 0.6.1", "0.4.1+cu124". */
export function parseToolVersion(text: string): ToolVersion | undefined {
  const m = /(?:^|[^\d.])v?(\d+)\.(\d+)(?:\.(\d+))?([^\s]*)/.exec(` ${text.trim()}`);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), suffix: m[4] ?? "" };
}

/** Numbers, then .devN < (nothing, +local) < .postN. */
function rankOf(v: ToolVersion): number[] {
  const rank = /dev/.test(v.suffix) ? -1 : /post/.test(v.suffix) ? 1 : 0;
  return [v.major, v.minor, v.patch, rank, Number(/(?:dev|post)(\d+)/.exec(v.suffix)?.[1] ?? 0)];
}

export function compareVersions(a: string, b: string): number {
  const x = rankOf(parseToolVersion(a)!);
  const y = rankOf(parseToolVersion(b)!);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

export interface ResolvedRelease {
  /** The listed release the checks use. */
  release: string;
  /** Set when `release` is not exactly the version given. */
  warning?: string;
}

/**
 * The listed release for `version`: the same numbers (a .post or +local build of a listed release is that release),
 * else the nearest older listed release, else the oldest — with a warning, since its keys may differ.
 */
export function resolveRelease(label: string, version: string, listed: readonly string[]): ResolvedRelease | undefined {
  const v = parseToolVersion(version);
  if (!v) return undefined;
  const same = listed.find((r) => {
    const l = parseToolVersion(r)!;
    return l.major === v.major && l.minor === v.minor && l.patch === v.patch && !/dev|rc|a\d|b\d/.test(v.suffix);
  });
  if (same) return { release: same };
  const older = listed.filter((r) => compareVersions(r, version) < 0);
  const release = older.length ? older[older.length - 1]! : listed[0]!;
  const span = `${listed[0]} … ${listed[listed.length - 1]}`;
  const why = older.length ? "the nearest older listed release" : "the oldest listed release";
  return { release, warning: `${label} ${version} is not a listed release (${span}); checked against ${release}, ${why} — its keys may differ` };
}

/**
 * Why `key` is missing from `release`, from the releases that have it: "added in 0.9.3" when a later release has
 * it, else "removed in 0.9.5" (the first release after the last one that had it). Undefined when no release has it.
 */
export function keyPresenceNote(release: string, present: readonly string[], listed: readonly string[]): string | undefined {
  if (!present.length || present.includes(release)) return undefined;
  const later = present.find((r) => compareVersions(r, release) > 0);
  const earlier = present.filter((r) => compareVersions(r, release) < 0);
  if (later && !earlier.length) return `added in ${later}`;
  const lastHad = earlier[earlier.length - 1]!;
  const removedIn = listed.find((r) => compareVersions(r, lastHad) > 0 && !present.includes(r))!;
  return later ? `removed in ${removedIn}, back in ${later}` : `removed in ${removedIn}`;
}

const cache = new Map<string, unknown>();

/** A JSON file next to the code (src/ or dist/), parsed once. */
export function readReleaseJson<T>(url: URL): T {
  const key = url.href;
  if (!cache.has(key)) cache.set(key, JSON.parse(readFileSync(url, "utf8")));
  return cache.get(key) as T;
}

/** How the version in use became known, for messages. */
export type VersionSource = "stated" | "probed" | "unknown" | "probe-failed" | "not-here";

export function versionUnknownNote(tool: string, source: VersionSource): string {
  const how =
    source === "probe-failed"
      ? "asking the installed tool failed"
      : source === "not-here"
        ? "it is not stated, and it runs on the cluster, not on this machine, so it was not asked"
        : "it is not stated and was not probed yet (plan runs no tool)";
  return `the ${tool} version is not known: ${how}`;
}
