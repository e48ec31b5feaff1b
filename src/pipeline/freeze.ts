// Deep freeze for plan data: plain objects and arrays, all the way down. Stage definitions (code shared by every plan)
// and class instances are left alone: they are not data the plan owns.
function isPlainData(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Freezes `value` and every plain object / array it reaches, except under the keys named in `skip`. */
export function deepFreeze<T>(value: T, skip: ReadonlySet<string> = new Set()): T {
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (!isPlainData(node) || seen.has(node)) return;
    seen.add(node);
    for (const [key, child] of Object.entries(node)) if (!skip.has(key)) visit(child);
    Object.freeze(node);
  };
  visit(value);
  return value;
}
