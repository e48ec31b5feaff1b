// Which config values are file paths, so relative ones are resolved against the file that wrote them.
import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { isPlainObject } from "./merge.js";
import { STAGE_MODULES } from "../stages/registry.js";

/** A stage's fields, as dotted paths from the top of the experiment. */
const stageFields = (pick: (s: (typeof STAGE_MODULES)[number]) => readonly string[] | undefined) =>
  STAGE_MODULES.flatMap((s) => (pick(s) ?? []).map((field) => `stages.${s.name}.${field}`));

/** Model fields: a hub id (Qwen/Qwen2.5-7B-Instruct) stays one, whatever folder `plan` runs in. */
const MODEL_FIELDS = ["model.base", ...stageFields((s) => s.modelFields)];
/** Always paths. `*` matches one key. */
export const PATH_FIELDS = ["workdir", "store", ...stageFields((s) => s.pathFields)];
/** Paths only when written as one (./x, ../x, /x) or naming a folder that exists; otherwise a hub id or a name on PATH. */
const PATH_OR_NAME_FIELDS = [...MODEL_FIELDS, "tools.*.command.0"];

export function matches(pattern: string, path: string[]): boolean {
  const parts = pattern.split(".");
  return parts.length === path.length && parts.every((p, i) => p === "*" || p === path[i]);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function looksLikePath(value: string): boolean {
  return value.startsWith("./") || value.startsWith("../") || value === "." || value === "..";
}

/** Resolves relative path values in a raw (not yet validated) tree against `baseDir`. */
export function resolvePaths(tree: unknown, baseDir: string, path: string[] = []): unknown {
  if (typeof tree === "string") {
    // An empty value stays empty so it is reported, not silently turned into the config's own folder.
    if (PATH_FIELDS.some((p) => matches(p, path)) && tree !== "" && !isAbsolute(tree) && !tree.includes("${")) return resolve(baseDir, tree);
    if (PATH_OR_NAME_FIELDS.some((p) => matches(p, path)) && looksLikePath(tree)) return resolve(baseDir, tree);
    if (MODEL_FIELDS.some((p) => matches(p, path)) && tree !== "" && !tree.includes("${") && isFolder(resolve(baseDir, tree))) return resolve(baseDir, tree);
    return tree;
  }
  if (Array.isArray(tree)) {
    // A command given as one string is still a path-or-name in position 0.
    return tree.map((v, i) => resolvePaths(v, baseDir, [...path, String(i)]));
  }
  if (isPlainObject(tree)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) {
      const child = [...path, k];
      out[k] = k === "command" && typeof v === "string" && path[0] === "tools" ? resolvePaths([v], baseDir, child) : resolvePaths(v, baseDir, child);
    }
    return out;
  }
  return tree;
}
