// ${VAR} and ${VAR:-default} in string values. `$${` stays a literal `${`.
import type { Problem } from "../errors.js";

const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, problems: Problem[], path: string[] = []): unknown {
  if (typeof value === "string") {
    return value.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === "$${") return "${";
      const found = env[name!];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) return fallback;
      problems.push({ path: path.join("."), message: `environment variable ${name} is not set (write \${${name}:-default} for a default)` });
      return match;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, problems, [...path, String(i)]));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, problems, [...path, k])]));
  }
  return value;
}
