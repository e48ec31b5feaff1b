// The plan owns its data: plain objects and arrays are copied and frozen all the way down, so freezing never reaches
// objects someone else holds (the caller's loaded experiment, a schema's default, a module's constant). Stage
// definitions (code shared by every plan) and class instances are kept by reference, unfrozen.
function isPlainData(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A frozen copy of `value`: shared references and cycles stay shared (one copy each); keys in `skip` are not copied. */
export function frozenCopy<T>(value: T, skip: ReadonlySet<string> = new Set()): T {
  const copies = new Map<object, object>();
  const copy = (node: unknown): unknown => {
    if (!isPlainData(node)) return node;
    const done = copies.get(node);
    if (done) return done;
    const out: Record<string | number, unknown> = Array.isArray(node) ? [] : Object.create(Object.getPrototypeOf(node) as object | null);
    copies.set(node, out);
    for (const [key, child] of Object.entries(node)) out[key] = skip.has(key) ? child : copy(child);
    return Object.freeze(out);
  };
  return copy(value) as T;
}
