// Typed failure of an LLM call. Every error carries a `reason`, whether it was worth retrying, and how many
// attempts were made; the API key never appears in it (messages are built from status, reason and a redacted
// body excerpt only).
import { DianjinError } from "../errors.js";

export type LlmFailureReason =
  | "config" // unknown model, missing API-key variable, bad base URL
  | "bad-request" // 400 and other non-retryable 4xx
  | "context-length" // 400 because prompt + max_tokens exceed the model's context
  | "auth" // 401 / 403
  | "not-found" // 404: usually a wrong served model name
  | "rate-limited" // 429
  | "server-error" // 5xx
  | "timeout" // per-attempt timeout or 408
  | "connection" // refused, reset, socket closed mid-body
  | "malformed-response" // 2xx whose body is not a chat completion
  | "aborted"; // the caller's AbortSignal fired

const RETRYABLE: ReadonlySet<LlmFailureReason> = new Set(["rate-limited", "server-error", "timeout", "connection", "malformed-response"]);

export function isRetryableReason(reason: LlmFailureReason): boolean {
  return RETRYABLE.has(reason);
}

export interface LlmErrorDetail {
  model?: string;
  status?: number;
  /** Attempts made so far (1 = no retry). */
  attempts?: number;
  /** Server-requested wait before the next attempt, already capped. */
  retryAfterMs?: number;
}

export class LlmError extends DianjinError {
  readonly code = "llm";
  readonly exitCode = 1;
  readonly retryable: boolean;
  readonly model: string | undefined;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;
  constructor(
    readonly reason: LlmFailureReason,
    message: string,
    detail: LlmErrorDetail = {},
  ) {
    super(message);
    this.name = "LlmError";
    this.retryable = isRetryableReason(reason);
    this.model = detail.model;
    this.status = detail.status;
    this.attempts = detail.attempts ?? 1;
    this.retryAfterMs = detail.retryAfterMs;
  }

  /** Same failure, with the final attempt count and a note that retries ran out. */
  withAttempts(attempts: number, exhausted: boolean): LlmError {
    const message = exhausted ? `${this.message} (gave up after ${attempts} attempts)` : this.message;
    return new LlmError(this.reason, message, { model: this.model, status: this.status, attempts, retryAfterMs: this.retryAfterMs });
  }
}

export function isLlmError(e: unknown): e is LlmError {
  return e instanceof LlmError;
}

/** The journal file cannot be read back (a complete line that is not an entry: corruption, not a torn write). */
export class JournalError extends DianjinError {
  readonly code = "journal";
  readonly exitCode = 1;
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}; the journal is damaged (move it away to start over, which re-sends every request)`);
    this.name = "JournalError";
  }
}
