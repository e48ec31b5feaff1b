// Checks `trl sft --config` keys against TRL's per-release inventory. `trl sft` itself parses with
// return_remaining_strings=True and drops what is left (trl/scripts/sft.py), so a key its release does not read
// would be ignored silently; here it fails pre-flight instead, saying when TRL added or removed it.
import type { Problem } from "../../errors.js";
import { suggestion } from "../../util/did-you-mean.js";
import { trlKeyNote, trlKeyReleases, trlReleases, trlSftAccepts, trlSftKeys } from "./releases.js";

/**
 * Problems with `args` (keys as the user wrote them, under `path`): unknown to every listed release (with a
 * suggestion), or unknown to `release` (added/removed in). Without a release, `strict` (the probe failed) refuses
 * keys only some releases read.
 */
export function checkTrlArgs(args: Readonly<Record<string, unknown>>, path: string, release: string | undefined, strict = false): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(args)) {
    if (!trlSftAccepts(key)) {
      problems.push({ path: `${path}.${key}`, message: `\`trl sft\` reads no key "${key}"${suggestion(key, trlSftKeys())}` });
    } else if (release && !trlSftAccepts(key, release)) {
      const note = trlKeyNote(key, release);
      problems.push({ path: `${path}.${key}`, message: `TRL ${release} does not read ${key}${note ? ` (${note})` : ""}; it would be ignored` });
    } else if (!release && strict && trlKeyReleases(key)) {
      const listed = trlReleases();
      const has = trlKeyReleases(key)!;
      problems.push({
        path: `${path}.${key}`,
        message: `only some TRL releases read ${key} (${has[0]} … ${has[has.length - 1]} of ${listed[0]} … ${listed[listed.length - 1]}); state tools.trl.version`,
      });
    }
  }
  return problems;
}
