// `compare <config|workdir>...`: one table across experiments (a family counts as its variants): the parameters that
// differ, the five scores, like-for-like averages, GPU-hours spent and status. Terminal table, --json or --md.
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadExperiment } from "../config/load.js";
import type { Experiment } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { compareRows, experimentFromWorkdir } from "../pipeline/compare.js";
import { loadFamily } from "../pipeline/family.js";
import { buildComparison, comparisonMarkdown, comparisonText } from "../report/compare-table.js";
import { pathExists } from "../util/path-exists.js";

/** A workdir a run wrote, or a family's workdir (its variants/<name>/ each one). */
async function fromWorkdir(dir: string): Promise<Experiment[]> {
  if (await pathExists(join(dir, "manifest.json"))) return [await experimentFromWorkdir(dir)];
  const variants = join(dir, "variants");
  const names = (await pathExists(variants)) ? (await readdir(variants)).sort() : [];
  const found = [];
  for (const name of names) if (await pathExists(join(variants, name, "manifest.json"))) found.push(await experimentFromWorkdir(join(variants, name)));
  if (!found.length) throw new UsageError(`${dir}: no manifest.json here or under variants/: not a workdir a run has written`);
  return found;
}

export async function experimentsOf(args: readonly string[], options: { set: string[]; variant?: string[] }): Promise<Experiment[]> {
  const out: Experiment[] = [];
  for (const arg of args) {
    const info = await stat(resolve(arg)).catch(() => undefined);
    if (info?.isDirectory()) {
      out.push(...(await fromWorkdir(resolve(arg))));
      continue;
    }
    const family = await loadFamily(arg, { set: options.set, variants: options.variant });
    if (family) out.push(...family.members.map((m) => m.loaded.config));
    else out.push((await loadExperiment(arg, { set: options.set })).config);
  }
  return out;
}

export async function compareCommand(args: string[], options: { set: string[]; variant?: string[]; json?: boolean; md?: boolean }): Promise<number> {
  if (options.json && options.md) throw new UsageError("--json and --md: choose one");
  const rows = await compareRows(await experimentsOf(args, options));
  const table = buildComparison(rows, { paper: options.md === true });
  if (options.json) process.stdout.write(`${JSON.stringify({ experiments: rows, table }, null, 2)}\n`);
  else process.stdout.write(options.md ? comparisonMarkdown(table) : comparisonText(table));
  return 0;
}
