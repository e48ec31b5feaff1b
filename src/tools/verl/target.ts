// Which verl a stage renders and checks for, from the stated or probed version: a listed release, the kept main
// snapshot for versions newer than every listed release, or — unknown — the newest layout without the `file` logger
// (verl before 0.6.0 refuses it at start-up; console progress works everywhere), with a warning either way.
import { compareVersions, versionUnknownNote, type VersionSource } from "../releases.js";
import { detectVerlEra } from "./era.js";
import type { VerlEra } from "./inventory.js";
import { resolveVerlRelease, verlReleaseFacts, verlReleases } from "./releases.js";

export interface VerlTarget {
  /** The config tree the checks and the renderer use. */
  era: VerlEra;
  /** The listed release, when the version is known (exactly, or the nearest listed one). */
  release?: string;
  /** The version is known (stated or probed), listed or not. */
  known: boolean;
  fileLogger: boolean;
  /** `python -m verl.model_merger` exists (assumed when the version is unknown or newer than the listed ones). */
  modelMerger: boolean;
  warnings: string[];
}

export function verlTarget(version: string | undefined, source: VersionSource = "unknown"): VerlTarget {
  if (!version) {
    const why = versionUnknownNote("verl", source);
    const warning = `${why}; rendered for the newest layout without the file logger (progress from console lines); settings that differ between verl releases fail pre-flight at launch unless the version is known — state tools.verl.version`;
    return { era: "current", known: false, fileLogger: false, modelMerger: true, warnings: [warning] };
  }
  const resolved = resolveVerlRelease(version);
  if (!resolved) {
    const warning = `tools.verl.version "${version}" is not a version number; rendered for the newest layout without the file logger`;
    return { era: detectVerlEra(version) ?? "current", known: false, fileLogger: false, modelMerger: true, warnings: [warning] };
  }
  const newest = verlReleases().at(-1)!;
  if (resolved.warning && compareVersions(version, newest) > 0) {
    // Newer than every listed release: the kept main snapshot (0.8.0.dev, January 2026) is the closer tree.
    const warning = `verl ${version} is newer than the listed releases (newest ${newest}); checked against verl main of January 2026 (0.8.0.dev) — its keys may differ`;
    return { era: "current", known: true, fileLogger: true, modelMerger: true, warnings: [warning] };
  }
  const facts = verlReleaseFacts(resolved.release);
  return {
    era: resolved.release,
    release: resolved.release,
    known: true,
    fileLogger: facts.fileLogger,
    modelMerger: facts.modelMerger,
    warnings: resolved.warning ? [resolved.warning] : [],
  };
}
