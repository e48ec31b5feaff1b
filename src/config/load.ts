// Loads an experiment file: YAML → extends → ${ENV} → paths → --set → schema → cross-field rules.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ConfigError, type Problem } from "../errors.js";
import { suggestion } from "../util/did-you-mean.js";
import { experimentSchema, type Experiment } from "./schema.js";
import { allowedKeysAt } from "./schema-walk.js";
import { interpolateEnv, type OnVariable } from "./interpolate.js";
import { isSecretName, registerSecretValue } from "../util/secrets.js";
import { deepMerge, isPlainObject, setDotted } from "./merge.js";
import { resolvePaths } from "./paths.js";
import { checkRules } from "./rules.js";
import { FORBIDDEN_KEYS, parseYaml, parseYamlValue } from "./yaml-read.js";
import { workdirProblems } from "./workdir.js";

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
  /** Values read from secret variables, by the dotted path that holds them (the value itself is never printed). */
  secrets: SecretUse[];
}

export interface SecretUse {
  /** The variable's name. */
  name: string;
  value: string;
  /** Dotted path of the config value that read it. */
  path: string;
}

/** Finds where a dotted path is written: in the experiment file first, then in each `extends` base. */
type Locator = { file: string; locate(path: readonly string[]): { line: number; col: number } | undefined };

function placeProblems(problems: Problem[], locators: readonly Locator[]): Problem[] {
  return problems.map((p) => {
    if (p.at || !p.path || p.path.startsWith("--set")) return p;
    const path = p.path.split(".");
    for (const { file, locate } of locators) {
      const pos = locate(path);
      if (pos) return { ...p, at: { file, line: pos.line, col: pos.col } };
    }
    return p;
  });
}

/** Secret variables: a secret-looking name, or one listed under `secrets:` in any of the files. */
function secretRecorder(listed: unknown, uses: SecretUse[]): OnVariable {
  const names = new Set(Array.isArray(listed) ? listed.filter((n): n is string => typeof n === "string") : []);
  return (name, value, path) => {
    if (!isSecretName(name) && !names.has(name) && !/KEY|TOKEN|SECRET|PASSWORD/i.test(name)) return;
    registerSecretValue(value);
    uses.push({ name, value, path: path.join(".") });
  };
}

async function readTree(
  file: string,
  env: NodeJS.ProcessEnv,
  seen: string[],
  uses: SecretUse[] = [],
): Promise<{ tree: Record<string, unknown>; sources: string[]; locators: Locator[] }> {
  if (seen.includes(file)) throw new ConfigError(seen[0]!, [{ path: "extends", message: `extends loops back to ${file}` }]);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "it is a folder" : (error as Error).message;
    throw new ConfigError(file, [{ path: seen.length ? "extends" : "", message: `cannot read ${file}: ${why}` }]);
  }
  const doc = parseYaml(bytes, file);
  if (doc.problems.length) throw new ConfigError(file, doc.problems);
  const parsed = doc.value;
  if (!isPlainObject(parsed)) throw new ConfigError(file, [{ path: "", message: "the file must be a YAML mapping (key: value pairs)" }]);
  const locators: Locator[] = [{ file, locate: doc.locate }];

  const problems: Problem[] = [];
  const { extends: base, ...own } = parsed;
  const interpolated = interpolateEnv(own, env, problems, [], secretRecorder(own.secrets, uses)) as Record<string, unknown>;
  if (problems.length) throw new ConfigError(file, placeProblems(problems, locators));
  const resolved = resolvePaths(interpolated, dirname(file)) as Record<string, unknown>;
  if (base === undefined) return { tree: resolved, sources: [file], locators };
  if (typeof base !== "string")
    throw new ConfigError(file, placeProblems([{ path: "extends", message: "must be a path to a base experiment file" }], locators));
  const parent = await readTree(resolve(dirname(file), base), env, [...seen, file], uses);
  return { tree: deepMerge(parent.tree, resolved) as Record<string, unknown>, sources: [file, ...parent.sources], locators: [...locators, ...parent.locators] };
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
    const forbidden = key.split(".").find((p) => FORBIDDEN_KEYS.has(p));
    if (forbidden) {
      problems.push({ path: `--set ${key}`, message: `"${forbidden}" is not allowed as a key` });
      continue;
    }
    const text = item.slice(eq + 1);
    const parsed = text === "" ? { value: "", problems: [] } : parseYamlValue(text, `--set ${key}`);
    if (parsed.problems.length) {
      problems.push(...parsed.problems);
      continue;
    }
    setDotted(overrides, key, parsed.value);
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

export function validateExperiment(tree: unknown, file: string, locators: readonly Locator[] = []): Experiment {
  const result = experimentSchema.safeParse(tree);
  if (!result.success)
    throw new ConfigError(
      file,
      placeProblems(
        result.error.issues.flatMap((i) => describeIssue(i as never)),
        locators,
      ),
    );
  const problems = checkRules(result.data);
  if (problems.length) throw new ConfigError(file, placeProblems(problems, locators));
  return result.data;
}

export async function loadExperiment(path: string, options: LoadOptions = {}): Promise<LoadedExperiment> {
  const file = resolve(options.cwd ?? process.cwd(), path);
  const env = options.env ?? process.env;
  const secrets: SecretUse[] = [];
  const { tree, sources, locators } = await readTree(file, env, [], secrets);
  const withSets = options.set?.length ? applySets(tree, options.set, options.cwd ?? process.cwd(), file) : tree;
  const config = validateExperiment(withSets, file, locators);
  const workdir = await workdirProblems(config.workdir);
  if (workdir.length) throw new ConfigError(file, placeProblems(workdir, locators));
  return { file, config, sources, secrets };
}
