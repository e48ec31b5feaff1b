// manifest.json: enough to say later exactly what ran: the resolved config (no secrets), code and tool versions, host.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname, platform, release } from "node:os";
import { dirname, join } from "node:path";
import type { LoadedExperiment } from "../config/load.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { redactValue } from "../util/secrets.js";
import type { ToolState } from "./state.js";
import { packageUrl } from "../util/dist-path.js";
import { relativeToWorkdir } from "./workdir-paths.js";

export interface Manifest {
  experiment: string;
  configFile: string;
  sources: string[];
  config: unknown;
  git: { sha: string; dirty: boolean } | null;
  node: string;
  package: { name: string; version: string };
  dependencies: Record<string, string>;
  tools: Record<string, ToolState | undefined>;
  host: { name: string; platform: string; release: string };
  argv: string[];
  writtenAt: string;
}

const packageJson = JSON.parse(readFileSync(packageUrl("package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};

export const PACKAGE_VERSION = packageJson.version;

/** Installed versions of our runtime dependencies (what actually ran, not the ranges). */
function dependencyVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(packageJson.dependencies)) {
    try {
      const pkg = JSON.parse(readFileSync(packageUrl(`node_modules/${name}/package.json`), "utf8")) as { version: string };
      out[name] = pkg.version;
    } catch {
      out[name] = packageJson.dependencies[name]!;
    }
  }
  return out;
}

/** stdout of `git ARGS`, or undefined when git fails or is missing. */
function git(args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => execFile("git", args, { maxBuffer: 64 << 20 }, (error, stdout) => resolve(error ? undefined : stdout)));
}

export type GitInfo = { sha: string; dirty: boolean } | null;

// node:child_process rather than execa: every run writes the manifest, and execa's ~100 files cost an up-to-date run
// more than the rest of its start-up.
export async function gitInfo(dir: string): Promise<GitInfo> {
  const [sha, status] = await Promise.all([git(["-C", dir, "rev-parse", "HEAD"]), git(["-C", dir, "status", "--porcelain"])]);
  if (sha === undefined) return null;
  return { sha: sha.trim(), dirty: (status ?? "").trim() !== "" };
}

/** `repo`: the run's git answer, asked once at its start (the code that runs), else asked now. */
export async function writeManifest(
  workdir: string,
  experiment: LoadedExperiment,
  tools: Record<string, ToolState | undefined>,
  repo: Promise<GitInfo> = gitInfo(dirname(experiment.file)),
): Promise<Manifest> {
  const manifest: Manifest = {
    experiment: experiment.config.name,
    configFile: experiment.file,
    sources: experiment.sources,
    // Paths inside the workdir relative to it (workdir: "."), so a copied workdir describes itself.
    config: relativeToWorkdir(redactValue(experiment.config), workdir),
    git: await repo,
    node: process.version,
    package: { name: packageJson.name, version: packageJson.version },
    dependencies: dependencyVersions(),
    tools,
    host: { name: hostname(), platform: platform(), release: release() },
    argv: redactValue(process.argv.slice(2)),
    writtenAt: new Date().toISOString(),
  };
  await writeJsonAtomic(join(workdir, "manifest.json"), manifest);
  return manifest;
}
