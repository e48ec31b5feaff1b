// Log levels, formats and the run log's file name, without pino: the CLI parses these for every command, and `plan`
// (or `logs --events`, which only reads the file) must not load pino.
/** The run log, in the experiment's workdir. */
export const EVENT_LOG_FILE = "events.jsonl";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** pretty: live display on a terminal; plain: lines (CI, pipes); json: only pino lines on stdout. */
export const LOG_FORMATS = ["pretty", "plain", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** pretty on a terminal outside CI, plain otherwise — unless the user chose. */
export function resolveLogFormat(chosen: LogFormat | undefined, isTTY: boolean, env: NodeJS.ProcessEnv = process.env): LogFormat {
  if (chosen) return chosen;
  return isTTY && !env.CI ? "pretty" : "plain";
}
