// Loads an experiment file: YAML → bounds → extends → ${ENV} → paths → --set → schema → cross-field rules.
import { dirname, resolve } from "node:path";
import { ConfigError, UsageError, type Problem } from "../errors.js";
import { suggestion } from "../util/did-you-mean.js";
import { readBoundedFile, UnreadableFile } from "../util/bounded-read.js";
import { LIMITS } from "../util/limits.js";
import { experimentSchema, type Experiment } from "./schema.js";
import { allowedKeysAt } from "./schema-walk.js";
import { interpolateEnv, type OnVariable } from "./interpolate.js";
import { isSecretKey, isSecretName, registerSecretValue } from "../util/secrets.js";
import { boundProblems } from "./bounds.js";
import { issueMessage, type SchemaIssue } from "./issue-message.js";
import { literalSecretProblems } from "./literal-secrets.js";
import { deepMerge, isPlainObject } from "./merge.js";
import { pathFileProblems } from "./path-files.js";
import { resolvePaths } from "./paths.js";
import { checkRules } from "./rules.js";
import { originOf, parseSets, type SetOrigin } from "./set-args.js";
import { parseYaml } from "./yaml-read.js";
import { workdirProblems } from "./workdir.js";
import { familyOf } from "./variants.js";
import { memberTree } from "./variant-tree.js";

export interface LoadOptions {
  /** `dotted.key=value` overrides; values are read as YAML (so 2e-5 is a number, [a,b] a list) and `${VAR}`-expanded. */
  set?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Relative paths in --set values resolve against this. */
  cwd?: string;
  /** Of a family file (`variants:`/`grid:`), the variant to load. */
  variant?: string;
}

export interface LoadedExperiment {
  /** Absolute path of the experiment file. */
  file: string;
  config: Experiment;
  /** Files read, the experiment file first, then each `extends` base. */
  sources: string[];
  /** Values read from secret variables, by the dotted path that holds them (the value itself is never printed). */
  secrets: SecretUse[];
  /** Names of the environment variables the files and --set values read (`${VAR}` with a value), sorted. */
  variables: string[];
  /** The variant of a family this experiment is. */
  variant?: string;
}

export interface SecretUse {
  /** The variable's name. */
  name: string;
  value: string;
  /** Dotted path of the config value that read it. */
  path: string;
}

/** Finds where a dotted path is written: in the experiment file first, then in each `extends` base. */
type Locator = { file: string; locate(path: readonly string[], exact?: boolean): { line: number; col: number } | undefined };

function located(p: Problem, path: readonly string[], locators: readonly Locator[], exact: boolean): Problem | undefined {
  for (const { file, locate } of p.path ? locators : []) {
    const pos = locate(path, exact);
    if (pos) return { ...p, at: { file, line: pos.line, col: pos.col } };
  }
  return undefined;
}

/** A value a --set wrote names that --set; one a variant's overlay wrote, the overlay's line. */
const fromOrigin = (p: Problem, o: SetOrigin): Problem => (o.at ? { ...p, at: o.at } : { ...p, set: o.label });

/** Names where each problem's value was written: the --set that wrote it, else file:line:column. */
function placeProblems(problems: Problem[], locators: readonly Locator[], origins: readonly SetOrigin[] = []): Problem[] {
  const last = (test: (o: SetOrigin) => boolean) => [...origins].reverse().find(test);
  const startsWith = (key: readonly string[], prefix: readonly string[]) => prefix.length <= key.length && prefix.every((k, i) => k === key[i]);
  return problems.map((p) => {
    if (p.at || p.set) return p;
    // About the whole file (its size, its number of values): its first line.
    if (!p.path) return locators[0] ? { ...p, at: { file: locators[0].file, line: 1, col: 1 } } : p;
    const path = p.path.split(".");
    const origin = originOf(path, origins);
    if (origin) return fromOrigin(p, origin);
    // A --set wrote inside the value the problem is about (a union or block judged as a whole).
    const under = last((o) => path.length > 0 && startsWith(o.key, path));
    if (under) return fromOrigin(p, under);
    const exact = located(p, path, locators, true);
    if (exact) return exact;
    // A key missing from a block a --set wrote into, where no file writes that block.
    const parent = path.slice(0, -1);
    const into = last((o) => parent.length > 0 && startsWith(o.key, parent));
    if (into && !located(p, parent, locators, true)) return fromOrigin(p, into);
    return located(p, path, locators, false) ?? p;
  });
}

/** Secret variables: a secret-looking name, one listed under `secrets:` in any of the files, or one a secret-named key reads. */
function secretRecorder(listed: unknown, uses: SecretUse[], variables: Set<string>): OnVariable {
  const names = new Set(Array.isArray(listed) ? listed.filter((n): n is string => typeof n === "string") : []);
  return (name, value, path) => {
    variables.add(name);
    const secretKey = isSecretKey(path[path.length - 1] ?? "");
    if (!secretKey && !isSecretName(name) && !names.has(name) && !/KEY|TOKEN|SECRET|PASSWORD/i.test(name)) return;
    registerSecretValue(value);
    uses.push({ name, value, path: path.join(".") });
  };
}

async function readBytes(file: string, from: Locator | undefined): Promise<Buffer> {
  try {
    return await readBoundedFile(file, LIMITS.configFileBytes);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    const problem: Problem = { path: from ? "extends" : "", message: `cannot read ${file}: ${error.reason}` };
    throw new ConfigError(from?.file ?? file, from ? placeProblems([problem], [from]) : [problem]);
  }
}

async function readTree(
  file: string,
  env: NodeJS.ProcessEnv,
  seen: string[],
  uses: SecretUse[],
  variables: Set<string>,
  from?: Locator,
): Promise<{ tree: Record<string, unknown>; sources: string[]; locators: Locator[] }> {
  if (seen.includes(file)) throw new ConfigError(seen[0]!, [{ path: "extends", message: `extends loops back to ${file}` }]);
  if (seen.length >= LIMITS.extendsDepth)
    throw new ConfigError(seen[0]!, [{ path: "extends", message: `more than ${LIMITS.extendsDepth} files in one extends chain (at ${file})` }]);
  const doc = parseYaml(await readBytes(file, from), file);
  if (doc.problems.length) throw new ConfigError(file, doc.problems);
  const parsed = doc.value;
  if (!isPlainObject(parsed)) throw new ConfigError(file, [{ path: "", message: "the file must be a YAML mapping (key: value pairs)" }]);
  const locators: Locator[] = [{ file, locate: doc.locate }];
  const early = [...boundProblems(parsed), ...literalSecretProblems(parsed)];
  if (early.length) throw new ConfigError(file, placeProblems(early, locators));

  const problems: Problem[] = [];
  const { extends: base, ...own } = parsed;
  const interpolated = interpolateEnv(own, env, problems, [], secretRecorder(own.secrets, uses, variables)) as Record<string, unknown>;
  if (problems.length) throw new ConfigError(file, placeProblems(problems, locators));
  const resolved = resolvePaths(interpolated, dirname(file)) as Record<string, unknown>;
  if (base === undefined) return { tree: resolved, sources: [file], locators };
  if (typeof base !== "string")
    throw new ConfigError(file, placeProblems([{ path: "extends", message: "must be a path to a base experiment file" }], locators));
  const parent = await readTree(resolve(dirname(file), base), env, [...seen, file], uses, variables, locators[0]);
  return { tree: deepMerge(parent.tree, resolved) as Record<string, unknown>, sources: [file, ...parent.sources], locators: [...locators, ...parent.locators] };
}

function applySets(tree: Record<string, unknown>, options: LoadOptions, env: NodeJS.ProcessEnv, file: string, uses: SecretUse[], variables: Set<string>) {
  const sets = parseSets(options.set ?? [], env, secretRecorder(tree.secrets, uses, variables));
  if (sets.problems.length) throw new ConfigError(file, sets.problems);
  const merged = deepMerge(tree, resolvePaths(sets.overrides, options.cwd ?? process.cwd())) as Record<string, unknown>;
  return { tree: merged, origins: sets.origins };
}

function describeIssue(issue: SchemaIssue & { keys?: string[] }): Problem[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys) {
    const allowed = allowedKeysAt(experimentSchema, issue.path);
    return issue.keys.map((key) => ({
      path: [...path, key].join("."),
      message: `unknown key${suggestion(key, allowed)}${allowed.length ? `; allowed here: ${allowed.join(", ")}` : ""}`,
    }));
  }
  return [{ path: path.join("."), message: issueMessage(issue, experimentSchema) }];
}

export function validateExperiment(tree: unknown, file: string, locators: readonly Locator[] = [], origins: readonly SetOrigin[] = []): Experiment {
  const bounds = boundProblems(tree);
  if (bounds.length) throw new ConfigError(file, placeProblems(bounds, locators, origins));
  const result = experimentSchema.safeParse(tree, { reportInput: true });
  if (!result.success)
    throw new ConfigError(
      file,
      placeProblems(
        result.error.issues.slice(0, 50).flatMap((i) => describeIssue(i as never)),
        locators,
        origins,
      ),
    );
  const problems = checkRules(result.data);
  if (problems.length) throw new ConfigError(file, placeProblems(problems, locators, origins));
  return result.data;
}

/** Reads an experiment file (extends, ${ENV}, paths) and, when it is a family, its variants. */
export async function readExperimentFile(path: string, options: LoadOptions = {}) {
  const file = resolve(options.cwd ?? process.cwd(), path);
  const env = options.env ?? process.env;
  const secrets: SecretUse[] = [];
  const variables = new Set<string>();
  const read = await readTree(file, env, [], secrets, variables);
  const family = familyOf(read.tree);
  if (family.problems.length) throw new ConfigError(file, placeProblems(family.problems, read.locators));
  return { file, env, secrets, variables, ...read, family: family.spec };
}

type ReadFile = Awaited<ReturnType<typeof readExperimentFile>>;

/** One experiment of what was read: the file itself, or (for a family) the named variant. */
export async function experimentOf(read: ReadFile, variant: string | undefined, options: LoadOptions = {}): Promise<LoadedExperiment> {
  const { file, env } = read;
  const secrets = [...read.secrets];
  const variables = new Set(read.variables);
  const member = read.family ? variantTree(read, variant) : { tree: read.tree, origins: [] };
  const { tree, origins } = options.set?.length ? applySets(member.tree, options, env, file, secrets, variables) : { tree: member.tree, origins: [] };
  const allOrigins = [...member.origins, ...origins];
  const named = (problems: Problem[]) => placeProblems(problems, read.locators, allOrigins).map((p) => (variant ? { ...p, variant } : p));
  let config: Experiment;
  try {
    config = validateExperiment(tree, file, [], []);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(file, named(error.problems));
    throw error;
  }
  const problems = [...(await workdirProblems(config.workdir)), ...(await pathFileProblems(config))];
  if (problems.length) throw new ConfigError(file, named(problems));
  return { file, config, sources: read.sources, secrets, variables: [...variables].sort(), ...(variant ? { variant } : {}) };
}

/** The variant's tree: the family's base with the overlay, in its own folder; its values placed at the overlay's lines. */
function variantTree(read: ReadFile, variant: string | undefined): { tree: Record<string, unknown>; origins: SetOrigin[] } {
  const family = read.family!;
  const names = family.variants.map((v) => v.name);
  if (variant === undefined) {
    const problem = { path: "variants", message: `this file is a family of ${names.length} experiments (${names.join(", ")}); name one with --variant NAME` };
    throw new ConfigError(read.file, placeProblems([problem], read.locators));
  }
  const spec = family.variants.find((v) => v.name === variant);
  if (!spec) throw new UsageError(`no variant "${variant}" in ${read.file}${suggestion(variant, names)}; its variants: ${names.join(", ")}`);
  const tree = memberTree(family.base, spec, dirname(read.file));
  const where = (source: string[]) => read.locators.map((l) => l.locate(source)).find(Boolean);
  const origins = spec.overlay.map((e) => {
    const pos = where(e.source) ?? { line: 1, col: 1 };
    return { key: e.key.split("."), label: `${variant}: ${e.key}`, at: { file: read.file, ...pos } };
  });
  return { tree, origins };
}

export async function loadExperiment(path: string, options: LoadOptions = {}): Promise<LoadedExperiment> {
  return experimentOf(await readExperimentFile(path, options), options.variant, options);
}
