// Public surface of the data-source readers. Every reader streams records and throws ConfigError naming the
// file and the record (index, line, id) on bad input.
export { readJsonRecords, type RawRecord, type ReadJsonOptions } from "./json-records.js";
export { parsePythonStringDict, PythonLiteralError } from "./python-literal.js";
export { readCflueMcq, toCflueMcq, CFLUE_MCQ_TASKS, type CflueMcqItem, type CflueMcqTask } from "./cflue-mcq.js";
export { readCflueOpen, toCflueOpen, type CflueOpenItem } from "./cflue-open.js";
export { readFinQa, toFinQa, type FinQaItem, type FinQaReadOptions } from "./finqa.js";
export {
  readComplianceDialogues,
  toComplianceDialogue,
  COMPLIANCE_VERDICTS,
  CHECK_RESULTS,
  type ComplianceDialogue,
  type ComplianceCheck,
  type ComplianceVerdict,
  type CheckResult,
  type DialogueTurn,
  type AgentTrace,
} from "./compliance.js";
export {
  readDianjinR1Sft,
  readAlpacaSft,
  dianjinR1SftFile,
  DIANJIN_R1_SFT_FILES,
  DIANJIN_R1_SFT_NAMES,
  type DianjinR1SftName,
  type SftRecord,
} from "./dianjin-r1.js";
export { recordError, recordPath, type RecordRef } from "./problems.js";
export { collect } from "./collect.js";
