// Finds the keys an object schema allows at a path, for "did you mean" on unknown keys.
import type { z } from "zod";

type AnyDef = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
};

function def(schema: z.ZodType): AnyDef {
  return (schema as unknown as { _zod: { def: AnyDef } })._zod.def;
}

/** Object schemas reachable from `schema` without consuming a path segment (through optional, default, union...). */
function objectsAt(schema: z.ZodType): Array<Record<string, z.ZodType>> {
  const d = def(schema);
  if (d.type === "object" && d.shape) return [d.shape];
  if (d.innerType) return objectsAt(d.innerType);
  if (d.type === "pipe" && d.in) return objectsAt(d.in);
  if (d.type === "union" && d.options) return d.options.flatMap(objectsAt);
  return [];
}

function child(schema: z.ZodType, segment: string | number): z.ZodType[] {
  const d = def(schema);
  if (d.innerType) return child(d.innerType, segment);
  if (d.type === "pipe" && d.in) return child(d.in, segment);
  if (d.type === "union" && d.options) return d.options.flatMap((o) => child(o, segment));
  if (d.type === "object" && d.shape) return d.shape[String(segment)] ? [d.shape[String(segment)]!] : [];
  if (d.type === "record" && d.valueType) return [d.valueType];
  if (d.type === "array" && d.element) return [d.element];
  return [];
}

/** The schemas that can hold the value at `path`. */
export function schemasAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): z.ZodType[] {
  let nodes: z.ZodType[] = [schema];
  for (const segment of path) nodes = nodes.flatMap((n) => child(n, segment as string | number));
  return nodes;
}

/** The leaf schemas reachable from `schema` through optional, default and union wrappers. */
export function leavesOf(schema: z.ZodType): z.ZodType[] {
  const d = def(schema);
  if (d.innerType) return leavesOf(d.innerType);
  if (d.type === "pipe" && d.in) return leavesOf(d.in);
  if (d.type === "union" && d.options) return d.options.flatMap(leavesOf);
  return [schema];
}

export function allowedKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  return [
    ...new Set(
      schemasAt(schema, path)
        .flatMap(objectsAt)
        .flatMap((shape) => Object.keys(shape)),
    ),
  ];
}
