// Field checks shared by the readers; each failure names the file, the record and the field.
import { recordError, type RecordRef } from "./problems.js";

export class FieldReader {
  constructor(
    readonly file: string,
    readonly ref: RecordRef,
    readonly record: Record<string, unknown>,
  ) {}

  fail(message: string, field?: string): Error {
    return recordError(this.file, this.ref, message, field);
  }

  has(field: string): boolean {
    return this.record[field] !== undefined && this.record[field] !== null;
  }

  string(field: string, opts: { allowEmpty?: boolean } = {}): string {
    const v = this.record[field];
    if (v === undefined) throw this.fail(`missing (keys present: ${Object.keys(this.record).join(", ") || "none"})`, field);
    if (typeof v !== "string") throw this.fail(`must be a string, got ${typeOf(v)}`, field);
    if (!opts.allowEmpty && v.trim() === "") throw this.fail("is empty", field);
    return v;
  }

  optionalString(field: string): string | undefined {
    const v = this.record[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw this.fail(`must be a string or null, got ${typeOf(v)}`, field);
    return v;
  }

  stringArray(field: string, value: unknown = this.record[field]): string[] {
    if (value === undefined) throw this.fail("missing", field);
    if (!Array.isArray(value)) throw this.fail(`must be a list of strings, got ${typeOf(value)}`, field);
    value.forEach((x, i) => {
      if (typeof x !== "string") throw this.fail(`must be a string, got ${typeOf(x)}`, `${field}[${i}]`);
    });
    return value as string[];
  }

  object(field: string): Record<string, unknown> {
    const v = this.record[field];
    if (v === undefined) throw this.fail("missing", field);
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw this.fail(`must be an object, got ${typeOf(v)}`, field);
    return v as Record<string, unknown>;
  }

  /** Reader for a nested object, reporting fields as `parent.child`. */
  nested(field: string): FieldReader {
    const inner = this.object(field);
    const parentFail = this.fail.bind(this);
    return new (class extends FieldReader {
      override fail(message: string, sub?: string): Error {
        return parentFail(message, sub ? `${field}.${sub}` : field);
      }
    })(this.file, this.ref, inner);
  }
}

export function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "list" : typeof v;
}
