// Paths inside the workdir are written to state.json and manifest.json relative to it ("./eval/output/scores.json"),
// so a copied or moved workdir reads its own files, never the original's. Files written before this held absolute
// paths of the workdir they were written in (manifest.json's config.workdir says which): those are mapped too.
import { isAbsolute, join, resolve, sep } from "node:path";

type PathMap = (s: string) => string;

/** Maps every string, object keys included (a key's `files` are named by path). */
function mapStrings<T>(value: T, map: PathMap): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return map(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [map(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function inside(path: string, dir: string): string | undefined {
  if (path === dir) return ".";
  return path.startsWith(dir + sep) ? `.${sep}${path.slice(dir.length + 1)}` : undefined;
}

/** Every string that is the workdir or a path under it, as "." or "./<relative>". */
export function relativeToWorkdir<T>(value: T, workdir: string): T {
  const dir = resolve(workdir);
  return mapStrings(value, (s) => (isAbsolute(s) ? (inside(s, dir) ?? s) : s));
}

/**
 * The reverse, against the workdir being read: "./x" is under it (a bare "." is left alone: only the manifest's
 * `workdir` is written so). An absolute path under `writtenIn` (the workdir an
 * older file was written in, when known and elsewhere) is moved under it too.
 */
export function resolveInWorkdir<T>(value: T, workdir: string, writtenIn?: string): T {
  const dir = resolve(workdir);
  const old = writtenIn && isAbsolute(writtenIn) && resolve(writtenIn) !== dir ? resolve(writtenIn) : undefined;
  return mapStrings(value, (s) => {
    if (s.startsWith(`.${sep}`)) return join(dir, s);
    const rel = old && isAbsolute(s) ? inside(s, old) : undefined;
    return rel ? join(dir, rel) : s;
  });
}

/** Whether `value` holds an absolute path that is not under `workdir` (then an older file may need mapping). */
export function hasAbsolutePathOutside(value: unknown, workdir: string): boolean {
  const dir = resolve(workdir);
  let found = false;
  mapStrings(value, (s) => {
    if (isAbsolute(s) && inside(s, dir) === undefined) found = true;
    return s;
  });
  return found;
}
