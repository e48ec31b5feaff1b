// Which config values are file paths, so relative ones are resolved against the file that wrote them.
import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { isPlainObject } from "./merge.js";

/** Always paths. `*` matches one key. */
const PATH_FIELDS = ["workdir", "stages.data.sources.cflue_mcq", "stages.data.sources.cflue_open", "stages.data.sources.finqa", "stages.data.sources.compliance", "stages.data.released", "stages.data.prompts.*", "stages.data.rl_prompt", "stages.sft.dataset_files.*.path", "stages.sft.deepspeed.path", "stages.merge.checkpoint_dir", "stages.grpo.rl_data.train", "stages.grpo.rl_data.val", "stages.grpo.rl_data.cflue_mcq", "stages.grpo.rl_data.prompt_template", "stages.grpo.reward.path", "stages.eval.benchmarks.*.path"];
/** Paths only when written as one (./x, ../x, /x) or naming a folder that exists; otherwise a hub id or a name on PATH. */
const PATH_OR_NAME_FIELDS = ["model.base", "stages.grpo.model", "stages.deploy.model", "tools.*.command.0"];
/** Model fields: a hub id (Qwen/Qwen2.5-7B-Instruct) stays one, whatever folder `plan` runs in. */
const MODEL_FIELDS = ["model.base", "stages.grpo.model", "stages.deploy.model"];

function matches(pattern: string, path: string[]): boolean {
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
      out[k] =
        k === "command" && typeof v === "string" && path[0] === "tools" ? resolvePaths([v], baseDir, child) : resolvePaths(v, baseDir, child);
    }
    return out;
  }
  return tree;
}
