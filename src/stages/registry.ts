// Every stage the pipeline knows, by name. Adding a stage = one file in this folder + one line here.
import type { StageDefinition } from "../contract/stage.js";
import type { StageName } from "../pipeline/stages.js";
import { sftStage } from "./sft/index.js";
import { dataStage } from "./data/index.js";
import { mergeStage } from "./merge/index.js";
import { grpoStage } from "./grpo/index.js";
import { deployStage } from "./deploy/index.js";
import { evalStage } from "./eval/index.js";
import { withSecretsProtected } from "../pipeline/secret-render.js";

// Secrets read from variables reach a tool only through its environment, whichever stage renders them.
export const STAGES: Partial<Record<StageName, StageDefinition>> = {
  data: withSecretsProtected(dataStage),
  sft: withSecretsProtected(sftStage),
  grpo: withSecretsProtected(grpoStage),
  merge: withSecretsProtected(mergeStage),
  deploy: withSecretsProtected(deployStage),
  eval: withSecretsProtected(evalStage),
};
