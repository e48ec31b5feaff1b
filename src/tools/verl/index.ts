// verl tool layer: key inventories per era, GRPO options, Hydra override rendering and validation, pre-flight
// rules, progress parsing, checkpoints and failure classification.

export { GRPO_DEFAULTS, VERL_DEFAULTS, OWNED_VERL_KEYS } from "./defaults.js";
export { VERL_ERAS, verlInventory, verlKeyInfo, childKeys, type VerlEra, type VerlValueType, type VerlKeyInfo, type VerlInventory } from "./inventory.js";
export {
  parseVerlVersion,
  detectVerlEra,
  verlHasFileLogger,
  eraGeneration,
  renameKeyForEra,
  renameFor,
  VERL_RENAMES,
  VERL_REMOVED_KEYS,
  type VerlVersion,
  type VerlRename,
  type EraKey,
} from "./era.js";
export { grpoOptionsSchema, GRPO_OPTION_DEFAULTS, GRPO_OPTION_KEYS, optionValue, type GrpoOptions, type GrpoOptionsInput } from "./options.js";
export { grpoSettings, overrideEntry, type GrpoSettings, type VerlSetting } from "./settings.js";
export { parseOverride, formatHydraValue, formatHydraString, renderOverride, type ParsedOverride, type OverrideKind } from "./hydra-syntax.js";
export { renderVerlOverrides, renderVerlEnv, isOwnedVerlKey, type RenderVerlInput, type VerlResume, type VerlEnvInput } from "./render.js";
export { validateOverrides, suggestVerlKey } from "./validate.js";
export { verlReleases, verlReleaseFacts, resolveVerlRelease, verlKeyNote, firstVerlReleaseWith, isVerlRelease, type VerlReleaseFacts } from "./releases.js";
export { trackerProblems, verlChoicesNeedingVersion } from "./release-checks.js";
export { verlTarget, type VerlTarget } from "./target.js";
export {
  preflightGrpo,
  GRPO_PREFLIGHT_RULES,
  ruleBatchDivisibleByGpus,
  ruleTrainBatchCoversMiniBatch,
  ruleMicroBatchDividesMiniBatch,
  ruleRolloutParallelDividesGpus,
  ruleGroupNeedsSeveralSamples,
  ruleEnoughRowsForOneBatch,
  ruleResumeSameGpuCount,
  ruleMicroBatchSetOnce,
  ruleRolloutModeAsync,
  ruleValidationSamplingTemperature,
  ruleOwnedKeysNotOverridden,
  type GrpoFacts,
  type GrpoRule,
} from "./preflight.js";
export {
  createVerlProgressParser,
  parseVerlStepLine,
  parseVerlFileLogLine,
  parseMetricValue,
  cleanVerlLine,
  verlTotalSteps,
  VerlFileLogReader,
  type VerlEvent,
  type VerlMetrics,
  type VerlProgressParser,
} from "./progress.js";
export {
  findLatestCheckpoint,
  inspectCheckpoint,
  listCheckpointSteps,
  readTrackerStep,
  pruneCheckpoints,
  prunableCheckpoints,
  type VerlCheckpoint,
  type CheckpointInspection,
  type LatestCheckpoint,
} from "./checkpoints.js";
export { classifyVerlFailure, VERL_FAILURE_IDS } from "./failures.js";
