// ${VAR} and ${VAR:-default} in string values. `$${` stays a literal `${`. Anything else starting with `${` (`${`,
// `${}`, `${1BAD}`) is an error, never kept literally: a tool would get the text instead of the value.
import type { Problem } from "../errors.js";

const PATTERN = /\$\$\{|\$\{([^}]*)(\}?)/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Called for every variable read, so the loader can tell which values came from secrets. */
export type OnVariable = (name: string, value: string, path: string[]) => void;

export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, problems: Problem[], path: string[] = [], onVariable?: OnVariable): unknown {
  if (typeof value === "string") {
    return value.replace(PATTERN, (match, inner: string | undefined, close: string | undefined) => {
      if (match === "$${") return "${";
      const ref = close ? REFERENCE.exec(inner ?? "") : null;
      if (!ref) {
        const why = !close
          ? "is not closed with }"
          : inner === ""
            ? "names no variable"
            : `is not a variable name (letters, digits and _, not starting with a digit)`;
        problems.push({ path: path.join("."), message: `"${match}" ${why}; write $\${ for a literal \${` });
        return match;
      }
      const [, name, fallback] = ref as unknown as [string, string, string | undefined];
      const found = env[name];
      if (found !== undefined && found !== "") {
        onVariable?.(name, found, path);
        return found;
      }
      if (fallback !== undefined) return fallback;
      problems.push({ path: path.join("."), message: `environment variable ${name} is not set (write \${${name}:-default} for a default)` });
      return match;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, problems, [...path, String(i)], onVariable));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, problems, [...path, k], onVariable)]));
  }
  return value;
}
