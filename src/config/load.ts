// Loads an experiment file: YAML → extends → ${ENV} → paths → --set → schema → cross-field rules.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import YAML from "yaml";
import { ConfigError, type Problem } from "../errors.js";
import { suggestion } from "../util/did-you-mean.js";
import { experimentSchema, type Experiment } from "./schema.js";
import { allowedKeysAt } from "./schema-walk.js";
import { interpolateEnv } from "./interpolate.js";
import { deepMerge, isPlainObject, setDotted } from "./merge.js";
import { resolvePaths } from "./paths.js";
import { checkRules } from "./rules.js";

export interface LoadOptions {
  /** `dotted.key=value` overrides; values are read as YAML (so 2e-5 is a number, [a,b] a list). */
  set?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Relative paths in --set values resolve against this. */
  cwd?: string;
}

export interface LoadedExperiment {
  /** Absolute path of the experiment file. */
  file: string;
  config: Experiment;
  /** Files read, the experiment file first, then each `extends` base. */
  sources: string[];
}

async function readTree(file: string, env: NodeJS.ProcessEnv, seen: string[]): Promise<{ tree: Record<string, unknown>; sources: string[] }> {
  if (seen.includes(file)) throw new ConfigError(seen[0]!, [{ path: "extends", message: `extends loops back to ${file}` }]);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ConfigError(file, [{ path: seen.length ? "extends" : "", message: `cannot read ${file}: ${why}` }]);
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      file,
      // The first few are the useful ones; a YAML error cascades into many.
      doc.errors.slice(0, 3).map((e) => ({ path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "", message: e.message.split("\n")[0]! })),
    );
  }
  const parsed: unknown = doc.toJS();
  if (!isPlainObject(parsed)) throw new ConfigError(file, [{ path: "", message: "the file must be a YAML mapping (key: value pairs)" }]);

  const problems: Problem[] = [];
  const { extends: base, ...own } = parsed;
  const interpolated = interpolateEnv(own, env, problems) as Record<string, unknown>;
  if (problems.length) throw new ConfigError(file, problems);
  const resolved = resolvePaths(interpolated, dirname(file)) as Record<string, unknown>;
  if (base === undefined) return { tree: resolved, sources: [file] };
  if (typeof base !== "string") throw new ConfigError(file, [{ path: "extends", message: "must be a path to a base experiment file" }]);
  const parent = await readTree(resolve(dirname(file), base), env, [...seen, file]);
  return { tree: deepMerge(parent.tree, resolved) as Record<string, unknown>, sources: [file, ...parent.sources] };
}

function applySets(tree: Record<string, unknown>, sets: readonly string[], cwd: string, file: string): Record<string, unknown> {
  const problems: Problem[] = [];
  const overrides: Record<string, unknown> = {};
  for (const item of sets) {
    const eq = item.indexOf("=");
    const key = eq > 0 ? item.slice(0, eq).trim() : "";
    if (!key || key.split(".").some((p) => p === "")) {
      problems.push({ path: `--set ${item}`, message: "expected dotted.key=value" });
      continue;
    }
    const text = item.slice(eq + 1);
    let value: unknown;
    try {
      value = text === "" ? "" : YAML.parse(text);
    } catch {
      value = text;
    }
    setDotted(overrides, key, value);
  }
  if (problems.length) throw new ConfigError(file, problems);
  return deepMerge(tree, resolvePaths(overrides, cwd)) as Record<string, unknown>;
}

function describeIssue(issue: { code: string; path: PropertyKey[]; message: string; keys?: string[] }): Problem[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys) {
    const allowed = allowedKeysAt(experimentSchema, issue.path);
    return issue.keys.map((key) => ({
      path: [...path, key].join("."),
      message: `unknown key${suggestion(key, allowed)}${allowed.length ? `; allowed here: ${allowed.join(", ")}` : ""}`,
    }));
  }
  return [{ path: path.join("."), message: issue.message }];
}

export function validateExperiment(tree: unknown, file: string): Experiment {
  const result = experimentSchema.safeParse(tree);
  if (!result.success) throw new ConfigError(file, result.error.issues.flatMap((i) => describeIssue(i as never)));
  const problems = checkRules(result.data);
  if (problems.length) throw new ConfigError(file, problems);
  return result.data;
}

export async function loadExperiment(path: string, options: LoadOptions = {}): Promise<LoadedExperiment> {
  const file = resolve(options.cwd ?? process.cwd(), path);
  const env = options.env ?? process.env;
  const { tree, sources } = await readTree(file, env, []);
  const withSets = options.set?.length ? applySets(tree, options.set, options.cwd ?? process.cwd(), file) : tree;
  return { file, config: validateExperiment(withSets, file), sources };
}
