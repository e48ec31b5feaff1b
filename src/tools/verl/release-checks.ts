// Checks that depend on which verl release runs: tracking backends the release accepts, and — when the version is
// not known — every setting whose spelling or existence differs between the listed releases (asked, not guessed).
import type { Problem } from "../../errors.js";
import { renameKeyForEra } from "./era.js";
import { verlKeyInfo } from "./inventory.js";
import type { GrpoOptions } from "./options.js";
import { verlReleaseFacts, verlReleases } from "./releases.js";
import { grpoSettings } from "./settings.js";

/** `tracking.backends` entries that verl `release` does not accept for trainer.logger. */
export function trackerProblems(release: string, trackers: readonly string[]): Problem[] {
  const accepted = verlReleaseFacts(release).trackingBackends;
  return trackers
    .filter((t) => !accepted.includes(t))
    .map((t) => {
      const since = verlReleases().find((r) => verlReleaseFacts(r).trackingBackends.includes(t));
      const when = since ? ` (added in ${since})` : "";
      return { path: "tracking.backends", message: `verl ${release} does not accept the ${t} logger${when}; it would stop with "${t} is not supported"` };
    });
}

function describeSpellings(key: string, spelled: Map<string, string[]>, missing: string[]): string {
  const parts = [...spelled].filter(([k]) => k !== key || spelled.size > 1).map(([k, releases]) => `${releases.join(", ")} spell it ${k}`);
  if (missing.length) parts.push(`${missing.join(", ")} ${missing.length === 1 ? "has" : "have"} no such key`);
  return parts.join("; ");
}

/**
 * Settings (typed options and overrides) that would be rendered differently, or refused, by some listed release:
 * with an unknown version each one is a problem naming the releases, instead of a guess.
 */
export function verlChoicesNeedingVersion(options: GrpoOptions, trackers: readonly string[], why: string, configPath: string): Problem[] {
  const problems: Problem[] = [];
  const releases = verlReleases();
  for (const setting of grpoSettings(options, "current", configPath).byKey.values()) {
    if (setting.kind !== "set") continue; // +key / ~key are the user's own Hydra edits
    const spelled = new Map<string, string[]>();
    const missing: string[] = [];
    for (const release of releases) {
      const target = renameKeyForEra(setting.key, release);
      if (!verlKeyInfo(release, target.key) && !target.add) missing.push(release);
      else spelled.set(target.key, [...(spelled.get(target.key) ?? []), release]);
    }
    if (spelled.size <= 1 && !missing.length) continue;
    problems.push({
      path: setting.source,
      message: `verl releases differ on ${setting.key} (${describeSpellings(setting.key, spelled, missing)}), and ${why}; state tools.verl.version`,
    });
  }
  for (const tracker of trackers) {
    const lacking = releases.filter((r) => !verlReleaseFacts(r).trackingBackends.includes(tracker));
    if (lacking.length)
      problems.push({
        path: "tracking.backends",
        message: `verl ${lacking.join(", ")} do not accept the ${tracker} logger, and ${why}; state tools.verl.version`,
      });
  }
  return problems;
}
