// The run log: every typed event as one pino JSON line in <workdir>/events.jsonl (and on stdout with --log-format json).
// Loaded only by the commands that run something, so `plan` never pays for pino.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { pino, type Level, type Logger } from "pino";
import { redactText, redactValue, secretValues } from "../util/secrets.js";
import type { EventSink, PipelineEvent } from "../contract/events.js";
import { EVENT_LOG_FILE, type LogLevel } from "./log-level.js";

/** Records about the whole run (start, end, a failure before any stage) carry this in their `stage` field. */
export const RUN_STAGE = "run";

// Known places a secret could sit in a record; pino replaces them before the line is built. Values of secret-named
// environment variables are masked anywhere else as well (redactValue), since a tool may echo them in a message.
const SECRET_PATHS = [
  "apiKey",
  "api_key",
  "token",
  "authorization",
  "password",
  "*.apiKey",
  "*.api_key",
  "*.token",
  "*.authorization",
  "*.password",
  "headers.authorization",
  "*.headers.authorization",
];

export interface EventLogOptions {
  workdir: string;
  level?: LogLevel;
  /** Also write each line to stdout (--log-format json). */
  stdout?: boolean;
  /** Environment whose secret-named variables are masked by value (default: this process's). */
  env?: NodeJS.ProcessEnv;
  runId?: string;
}

export interface EventLog {
  readonly runId: string;
  readonly file: string;
  /** Pass every pipeline event here (it is the run command's onEvent sink, or part of it). */
  readonly sink: EventSink;
  /** A record that is not a pipeline event (run start/end, a failure with its cause). */
  record(level: Level, stage: string, msg: string, fields?: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** Sortable by time, unique enough for one workdir: 20261202T030501Z-1a2b3c. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "")}-${randomBytes(3).toString("hex")}`;
}

function levelOf(event: PipelineEvent): Level {
  switch (event.type) {
    case "stage-end":
      return event.status === "failed" ? "error" : event.status === "interrupted" || event.status === "cancelled" ? "warn" : "info";
    case "retry":
      return "warn";
    case "log":
      return event.level;
    default:
      return "info";
  }
}

export function openEventLog(options: EventLogOptions): EventLog {
  const runId = options.runId ?? newRunId();
  const file = join(options.workdir, EVENT_LOG_FILE);
  const secrets = secretValues(options.env ?? process.env);
  // Synchronous appends: a crash or process.exit loses no line, and stdout lines keep their order with the file's.
  const fileStream = pino.destination({ dest: file, mkdir: true, sync: true, append: true });
  const streams: pino.StreamEntry[] = [{ level: "trace", stream: fileStream }];
  if (options.stdout) streams.push({ level: "trace", stream: pino.destination({ fd: 1, sync: true }) });
  const logger: Logger = pino(
    { level: options.level ?? "info", base: { run: runId }, redact: { paths: SECRET_PATHS, censor: "***" } },
    pino.multistream(streams),
  );
  const attempts = new Map<string, number>();

  const record = (level: Level, stage: string, msg: string, fields: Record<string, unknown> = {}) => {
    const attempt = attempts.get(stage);
    logger[level](redactValue({ stage, ...(attempt !== undefined ? { attempt } : {}), ...fields }, secrets), redactText(msg, secrets));
  };

  const sink: EventSink = (event) => {
    if (event.type === "stage-start") attempts.set(event.stage, event.attempt);
    const { type, stage, ...fields } = event as PipelineEvent & Record<string, unknown>;
    if (event.type === "log") {
      record(levelOf(event), stage, event.message, { event: type });
      return;
    }
    record(levelOf(event), stage, type, { event: type, ...fields });
  };

  return {
    runId,
    file,
    sink,
    record,
    async close() {
      fileStream.flushSync();
      fileStream.end();
    },
  };
}
