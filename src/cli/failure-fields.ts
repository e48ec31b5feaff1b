// A thrown error as run-log fields: the classified cause (CUDA OOM, hang, …), the hint, the exit and the log tail.
// Secrets are masked by the run log itself.
import { InterruptedError, isDianjinError, PreflightError, StageError } from "../errors.js";

export interface FailureRecord {
  stage?: string;
  level: "warn" | "error";
  fields: Record<string, unknown> & { code: string; exitCode: number };
}

export function failureFields(error: unknown): FailureRecord {
  if (error instanceof StageError) {
    const { exitCode, signal, logFile, logTail } = error.detail;
    return {
      stage: error.stage,
      level: "error",
      fields: {
        code: error.code,
        exitCode: error.exitCode,
        cause: error.failure.id,
        summary: error.failure.summary,
        hint: error.failure.hint,
        toolExitCode: exitCode ?? null,
        signal: signal ?? null,
        logFile,
        logTail,
      },
    };
  }
  if (error instanceof PreflightError)
    return { stage: error.stage, level: "error", fields: { code: error.code, exitCode: error.exitCode, problems: error.problems } };
  if (error instanceof InterruptedError)
    return { ...(error.stage ? { stage: error.stage } : {}), level: "warn", fields: { code: error.code, exitCode: error.exitCode } };
  if (isDianjinError(error)) return { level: "error", fields: { code: error.code, exitCode: error.exitCode, message: error.describe() } };
  return { level: "error", fields: { code: "internal", exitCode: 1, message: error instanceof Error ? error.message : String(error) } };
}
