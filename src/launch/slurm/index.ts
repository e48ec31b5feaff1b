// Slurm launcher: public surface.
export { createSlurmLauncher, type SlurmLauncherOptions, type SlurmRecordExtra } from "./launcher.js";
export { renderSlurmScript } from "./script.js";
export { slurmSubmission, jobNameFor, type SlurmScriptOptions, type SlurmSubmission } from "./batch-job.js";
export { renderRaySlurmScript } from "./ray-script.js";
export { renderDirectives } from "./directives.js";
export { shellQuote, directiveQuote } from "./quote.js";
export { parseSbatchOutput } from "./sbatch.js";
export { mapSlurmState, normalizeSlurmState, parseSlurmExitCode } from "./state-map.js";
export { parseSacct, parseSqueue, parseScontrolJob, type SlurmJobStatus } from "./poll.js";
export { createSlurmCommands, type CommandResult, type SlurmCommands, type SlurmCommandOptions, type SlurmTool } from "./commands.js";
export { SLURM_DEFAULTS } from "./defaults.js";
export type { SlurmBatchJob, RaySlurmJob, SlurmResources, SlurmContainer } from "./job.js";
