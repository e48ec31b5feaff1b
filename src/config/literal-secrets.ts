// A secret-named key (hub_token, WANDB_API_KEY, *_TOKEN, ...) given a literal string, in the file or by --set, is
// refused: written out it would reach the rendered files, the manifest's argv, the events and `ps`. Its value must
// come from the environment, `${NAME}`, so it is masked everywhere like every other secret.
import type { Problem } from "../errors.js";
import { isSecretKey } from "../util/secrets.js";
import { isPlainObject } from "./merge.js";

/** `${NAME}` (or `${NAME:-}`, empty when unset): the only values a secret-named key may hold, besides "". */
const REFERENCE_ONLY = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-)?\}$/;

function isLiteral(value: unknown): boolean {
  return typeof value === "string" && value !== "" && !REFERENCE_ONLY.test(value);
}

/** Suggests a variable name for the key: hub_token → HF_TOKEN is not guessable, so the key itself, upper-cased. */
function variableFor(key: string): string {
  const name = key
    .split(".")
    .pop()!
    .replace(/[^A-Za-z0-9_]/g, "_")
    .toUpperCase();
  return /^[A-Z_]/.test(name) ? name : `_${name}`;
}

/** Every secret-named key under `tree` that holds a literal; `onSet` is the --set argument, when it came from one. */
export function literalSecretProblems(tree: unknown, path: string[] = [], onSet?: string): Problem[] {
  if (Array.isArray(tree)) return tree.flatMap((v, i) => literalSecretProblems(v, [...path, String(i)], onSet));
  if (!isPlainObject(tree)) return [];
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(tree)) {
    const here = [...path, key];
    if (isSecretKey(key) && isLiteral(value)) {
      const name = variableFor(key);
      const how = onSet ? `--set '${here.join(".")}=\${${name}}'` : `${key}: "\${${name}}"`;
      problems.push({
        path: here.join("."),
        message: `is a secret written literally${onSet ? " on the command line (visible in ps and shell history)" : ""}; export it as an environment variable and write ${how} (the value is then never written or printed)`,
        ...(onSet ? { set: onSet } : {}),
      });
    } else problems.push(...literalSecretProblems(value, here, onSet));
  }
  return problems;
}
