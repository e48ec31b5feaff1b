// `schema`: the experiment file's JSON Schema, for editor completion (yaml-language-server).
import { z } from "zod";
import { experimentSchema } from "../config/schema.js";

/** `variants:` and `grid:` make a file a family; the loader expands them before the schema sees any experiment. */
const FAMILY_KEYS = {
  variants: {
    type: "object",
    description: "A family: variant name → overlay of dotted keys (--set semantics), e.g. lr1: { stages.grpo.actor.lr: 1.0e-6 }",
    additionalProperties: { type: "object" },
  },
  grid: {
    type: "object",
    description: "A family: dotted key → list of values; every combination is a variant with a generated name",
    additionalProperties: { type: "array", minItems: 1 },
  },
};

export function experimentJsonSchema(): object {
  const schema = z.toJSONSchema(experimentSchema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, unknown> };
  return { ...schema, properties: { ...schema.properties, ...FAMILY_KEYS } };
}

export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
  return 0;
}
