// Files shipped beside the compiled code (assets, per-release inventories, worker scripts) and the package's own
// files, found from this one place. Every compiled module's folder may differ, but this file and the bundled CLI
// (dist/bin/) both sit one folder below dist/ (or src/ when tests run the sources), so one relative URL serves both.
import { fileURLToPath } from "node:url";

/** A path under dist/ (or src/): `distPath("assets/python/dianjin_reward.py")`. */
export function distPath(rel: string): string {
  return fileURLToPath(distUrl(rel));
}

export function distUrl(rel: string): URL {
  return new URL(`../${rel}`, import.meta.url);
}

/** A path under the package root (package.json, node_modules/). */
export function packageUrl(rel: string): URL {
  return new URL(`../../${rel}`, import.meta.url);
}
