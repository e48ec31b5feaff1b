// Errors for bad input data. They reuse ConfigError (input named by the experiment file that cannot be used)
// and always name the file and the record (index, and id when the record has one).
import { ConfigError } from "../../errors.js";

export interface RecordRef {
  index: number;
  /** Record id when the format has one (FinQA id, compliance id). */
  id?: string;
  /** 1-based line where the record starts, when known. */
  line?: number;
}

export function recordPath(ref: RecordRef, field?: string): string {
  const where = [ref.id !== undefined ? `id ${JSON.stringify(ref.id)}` : undefined, ref.line !== undefined ? `line ${ref.line}` : undefined]
    .filter(Boolean)
    .join(", ");
  return `record ${ref.index}${where ? ` (${where})` : ""}${field ? ` field ${field}` : ""}`;
}

export function recordError(file: string, ref: RecordRef, message: string, field?: string): ConfigError {
  return new ConfigError(file, [{ path: recordPath(ref, field), message }]);
}

export function fileError(file: string, message: string): ConfigError {
  return new ConfigError(file, [{ path: "", message }]);
}
