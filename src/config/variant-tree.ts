// A variant of a family as an experiment tree: the family's base, the overlay applied with --set semantics (dotted
// keys, objects merged key by key, relative paths against the family file), in its own folder under the family's.
import { join } from "node:path";
import { deepMerge, isPlainObject, setDotted } from "./merge.js";
import { resolvePaths } from "./paths.js";
import { experimentSchema } from "./schema.js";
import type { VariantSpec } from "./variants.js";

/** Where a variant's experiment lives: `<family workdir>/variants/<name>`. */
export function variantWorkdir(familyWorkdir: string, variant: string): string {
  return join(familyWorkdir, "variants", variant);
}

/** The store the variants share, so a stage identical in two of them is built once (a `store:` in the file wins). */
export function familyStore(familyWorkdir: string): string {
  return join(familyWorkdir, "store");
}

export function memberTree(base: Record<string, unknown>, spec: VariantSpec, baseDir: string): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const { key, value } of spec.overlay) setDotted(overrides, key, value);
  const tree = deepMerge(base, resolvePaths(overrides, baseDir)) as Record<string, unknown>;
  if (typeof base.workdir === "string") {
    tree.workdir = variantWorkdir(base.workdir, spec.name);
    // `store:` is the content-addressed store's key (src/pipeline/store.ts); set only where the schema has it.
    if ("store" in experimentSchema.shape && base.store === undefined) tree.store = familyStore(base.workdir);
  }
  if (typeof base.name === "string") {
    tree.name = `${base.name}.${spec.name}`;
    // The tracking run name enters the training stages' keys: named after the family, a stage the variants have in
    // common keeps one key and is built once (an overlay may still name its own runs).
    const tracking = isPlainObject(tree.tracking) ? tree.tracking : {};
    if (tracking.run_name === undefined) tree.tracking = { ...tracking, run_name: base.name };
  }
  return tree;
}
