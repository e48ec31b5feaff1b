// The experiment file: one file fully determines a run. Strict everywhere: an unknown key is an error. The common
// keys come from the stage contract; `tools` and `stages` are composed from the stage registry.
import { z } from "zod";
import { commonFields, toolSchema } from "../contract/experiment.js";
import { STAGES, toolNames, type RegisteredStage } from "../stages/registry.js";

type StagesShape = { [S in RegisteredStage as S["name"]]: z.ZodOptional<S["schema"]> };

export const stagesSchema = z.object(Object.fromEntries(STAGES.map((s) => [s.name, s.schema.optional()])) as StagesShape).strict();

const toolDefault = toolSchema.parse({});
const toolsSchema = z
  .object(Object.fromEntries(toolNames().map((name) => [name, toolSchema.default(toolDefault)])) as Record<string, z.ZodDefault<typeof toolSchema>>)
  .strict()
  .default(Object.fromEntries(toolNames().map((name) => [name, { env: {} }])));

const { name, workdir, store, model, cluster, tracking, keep_set_aside, secrets } = commonFields;

export const experimentSchema = z
  .object({ name, workdir, store, model, cluster, tools: toolsSchema, tracking, keep_set_aside, secrets, stages: stagesSchema.default({}) })
  .strict();

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
