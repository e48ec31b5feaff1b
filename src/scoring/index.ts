// Scorers: pure functions, no I/O.
export {
  boxedContents,
  countOccurrences,
  answerPart,
  lastBoxed,
  optionLetterSet,
  reasoningLayout,
  tagContent,
  OPTION_LETTERS,
  type LayoutProblem,
  type ReasoningLayout,
} from "./answer.js";
export { cflueReward, cflueRewardDetail, scoreCflue, strictOptionSet, type CflueMode, type CflueRewardDetail, type CflueScore } from "./cflue.js";
export {
  extractFinalAnswer,
  finqaMatchReason,
  finqaNumericMatch,
  readAnswerNumber,
  type AnswerNumber,
  parseBooleanAnswer,
  parseJudgeVerdict,
  parseNumericAnswer,
  plainAnswerText,
  scoreFinqa,
  type FinqaGold,
  type FinqaMatchOptions,
  type FinqaScore,
  type JudgeVerdict,
  type NumericReading,
} from "./finqa.js";
export { cccVerdict, normalizeLabel, readVerdict, scoreCcc, type CccScore, type CccVerdict, type LabelReading } from "./ccc.js";
export {
  checkFormat,
  withPrefilledThink,
  withSeparateReasoning,
  formatComplianceRate,
  type FormatCheck,
  type FormatProblem,
  type FormatReport,
} from "./format.js";
export { SCORING_DEFAULTS } from "./defaults.js";
export { SCORING_VERSION, UNVERSIONED_SCORING } from "./version.js";
