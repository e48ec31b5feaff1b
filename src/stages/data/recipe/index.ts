// Public surface of the data recipe (see README.md in this folder).
export { buildData, type BuildDataOptions, type BuildDataResult } from "./build.js";
export { dataOutputs, producedSets, producesRl, SET_LABELS } from "./layout.js";
export { outputsWhole, alpacaJson, datasetInfo, type BuiltData, type SftOut, type CompleteRecord } from "./outputs.js";
export { loadPrompts, shippedPromptPath, PROMPT_NAMES, PROMPT_SPECS, type PromptName, type Prompts } from "./prompts.js";
export { parseReply, buildTarget, type ParsedTarget } from "./response.js";
export { sftStats, rlStats, statsMarkdown, type DataStats, type StatsRow } from "../../../data/stats.js";
export { RECIPE_DEFAULTS, RECIPE_LAYOUT } from "./defaults.js";
export { RecipeLlm, RECIPE_STEPS, type RecipeStep, type CallValue, type LlmReply } from "./llm-step.js";
export { downloadArgv, downloadFromHub, hubDir } from "./hub.js";
export { fetchSources, readItems, peekSource, sourcePath, SOURCE_NAMES } from "./sources.js";
export { missingReleaseFiles } from "./released.js";
export { clientModels, roleEndpoint } from "./requests.js";
export type { ItemStatus, ItemVerdict, LedgerLine } from "./ledger.js";
export { partialInParallel, statsWorkerCount, STATS_POOL_DEFAULTS } from "./stats-pool.js";
export { statsRow, sftPartial, rlPartial, mergePartials, type StatsPartial } from "../../../data/stats.js";
