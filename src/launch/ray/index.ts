// Ray launcher: public surface.
export { createRayLauncher, type RayLauncherOptions, type RayRecordExtra } from "./launcher.js";
export { rayEntrypoint, ENTRY_VARIABLE, type RayEntrypoint } from "./entrypoint.js";
export { rayRuntimeEnv, raySubmitArgs, type RaySubmitRequest } from "./submit-args.js";
export { parseRayJobStatus, mapRayStatus, type RayJobStatus } from "./status.js";
export { createRayCommands, type RayCommands, type RayCommandOptions, type RayCommandResult } from "./commands.js";
export { RAY_DEFAULTS } from "./defaults.js";
