// What every step of an item needs: the model caller, the request builder, the prompts, and the recipe's settings.
import type { RecipeLlm } from "./llm-step.js";
import type { Prompts } from "./prompts.js";
import type { RequestBuilder } from "./requests.js";

export interface ItemContext {
  llm: RecipeLlm;
  requests: RequestBuilder;
  prompts: Prompts;
  seed: number;
  convertFraction: number;
  maxAttempts: number;
  ambiguityCheck: boolean;
}
