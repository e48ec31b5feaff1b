// manifest.json: enough to say later exactly what ran: the resolved config (no secrets), code and tool versions, host.
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

export async function gitInfo(dir: string): Promise<{ sha: string; dirty: boolean } | null> {
  const { execa } = await import("execa");
  const sha = await execa("git", ["-C", dir, "rev-parse", "HEAD"], { reject: false });
  if (sha.exitCode !== 0) return null;
  const status = await execa("git", ["-C", dir, "status", "--porcelain"], { reject: false });
  return { sha: String(sha.stdout).trim(), dirty: String(status.stdout).trim() !== "" };
}

export async function writeManifest(workdir: string, experiment: LoadedExperiment, tools: Record<string, ToolState | undefined>): Promise<Manifest> {
  const manifest: Manifest = {
    experiment: experiment.config.name,
    configFile: experiment.file,
    sources: experiment.sources,
    // Paths inside the workdir relative to it (workdir: "."), so a copied workdir describes itself.
    config: relativeToWorkdir(redactValue(experiment.config), workdir),
    git: await gitInfo(dirname(experiment.file)),
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
