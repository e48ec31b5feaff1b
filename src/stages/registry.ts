// Every stage the pipeline knows, by name. Adding a stage = one file in this folder + one line here.
import type { StageDefinition } from "../pipeline/stage.js";
import type { StageName } from "../pipeline/stages.js";
import { sftStage } from "./sft.js";
import { dataStage } from "./data.js";
import { mergeStage } from "./merge.js";
import { grpoStage } from "./grpo.js";
import { deployStage } from "./deploy.js";
import { evalStage } from "./eval.js";
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
