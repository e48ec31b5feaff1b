// `schema`: the experiment file's JSON Schema, for editor completion (yaml-language-server).
import { z } from "zod";
import { experimentSchema } from "../config/schema.js";

export function experimentJsonSchema(): object {
  return z.toJSONSchema(experimentSchema, { io: "input", unrepresentable: "any" });
}

export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
  return 0;
}
