// Streams the records of a JSON array file (`[{...}, {...}]`) or a JSON Lines file, one parsed object at a time,
// so a 100+ MB file is never held in memory as one string. Structure is found by scanning bytes (all JSON
// structural characters are ASCII, and UTF-8 continuation bytes are never ASCII); each record's bytes are then
// decoded as strict UTF-8 and parsed. Truncation, invalid JSON, non-object records and non-UTF-8 bytes (GBK,
// UTF-16) are reported with the file and the record.
import { createReadStream } from "node:fs";
import { fileError, recordError } from "./problems.js";

export interface RawRecord {
  /** 0-based position among the file's records. */
  index: number;
  /** 1-based line where the record starts. */
  line: number;
  value: Record<string, unknown>;
}

const LF = 0x0a,
  CR = 0x0d,
  SP = 0x20,
  TAB = 0x09,
  QUOTE = 0x22,
  BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b,
  CLOSE_OBJ = 0x7d,
  OPEN_ARR = 0x5b,
  CLOSE_ARR = 0x5d,
  COMMA = 0x2c;

export interface ReadJsonOptions {
  /** Read size; only tests change it (to put chunk boundaries inside records and characters). */
  chunkBytes?: number;
}

export async function* readJsonRecords(file: string, options: ReadJsonOptions = {}): AsyncGenerator<RawRecord> {
  const stream = createReadStream(file, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  const scanner = new RecordScanner(file);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield* scanner.push(chunk);
    yield* scanner.end();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT") throw fileError(file, "file not found");
    if (code === "EISDIR") throw fileError(file, "is a directory, expected a JSON or JSON Lines file");
    throw e;
  } finally {
    stream.destroy();
  }
}

type Mode = "start" | "array" | "lines" | "done";
type Expect = "first" | "value" | "comma-or-end";

class RecordScanner {
  private mode: Mode = "start";
  private expect: Expect = "first";
  private offset = 0;
  private line = 1;
  private index = 0;
  private inRecord = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: Buffer[] = [];
  private recordLine = 1;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(private readonly file: string) {}

  push(chunk: Buffer): RawRecord[] {
    let i = 0;
    if (this.mode === "start") i = this.detect(chunk);
    const out: RawRecord[] = [];
    if (this.mode === "lines") this.scanLines(chunk, i, out);
    else if (this.mode !== "start") this.scanArray(chunk, i, out);
    this.offset += chunk.length;
    return out;
  }

  end(): RawRecord[] {
    if (this.mode === "start") throw fileError(this.file, "file is empty; expected a JSON array or JSON Lines");
    if (this.mode === "lines") {
      const out: RawRecord[] = [];
      if (this.parts.length > 0) this.emitLine(out);
      return out;
    }
    if (this.inRecord) throw recordError(this.file, { index: this.index, line: this.recordLine }, "file ends inside this record: truncated JSON");
    if (this.mode !== "done") throw fileError(this.file, `file ends before the closing ] after ${this.index} records: truncated JSON`);
    return [];
  }

  /** Finds the format from the first meaningful byte; returns where scanning continues. */
  private detect(chunk: Buffer): number {
    let i = 0;
    if (this.offset === 0) {
      if (chunk[0] === 0xff && chunk[1] === 0xfe) throw fileError(this.file, "is UTF-16 (little-endian byte-order mark FF FE); save it as UTF-8");
      if (chunk[0] === 0xfe && chunk[1] === 0xff) throw fileError(this.file, "is UTF-16 (big-endian byte-order mark FE FF); save it as UTF-8");
      // A UTF-8 byte-order mark is harmless: skip it.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === LF) this.line++;
      if (isSpace(b)) continue;
      if (b === OPEN_ARR) {
        this.mode = "array";
        return i + 1;
      }
      if (b === OPEN_OBJ) {
        this.mode = "lines";
        return i;
      }
      throw fileError(this.file, `line ${this.line}: expected a JSON array ([...]) or JSON Lines ({...} per line), found byte 0x${b.toString(16)}`);
    }
    return i;
  }

  private scanArray(chunk: Buffer, from: number, out: RawRecord[]): void {
    let start = this.inRecord ? from : -1;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === LF) this.line++;
      if (this.inRecord) {
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (b === BACKSLASH) this.escape = true;
          else if (b === QUOTE) this.inString = false;
        } else if (b === QUOTE) this.inString = true;
        else if (b === OPEN_OBJ || b === OPEN_ARR) this.depth++;
        else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
          if (--this.depth === 0) {
            this.parts.push(chunk.subarray(start, i + 1));
            out.push(this.finishRecord());
            this.inRecord = false;
            this.expect = "comma-or-end";
          }
        }
        continue;
      }
      if (isSpace(b)) continue;
      if (this.mode === "done") throw fileError(this.file, `line ${this.line}: unexpected data after the closing ] of the array`);
      if (b === OPEN_OBJ && this.expect !== "comma-or-end") {
        this.inRecord = true;
        this.depth = 1;
        this.recordLine = this.line;
        start = i;
      } else if (b === CLOSE_ARR && this.expect !== "value") this.mode = "done";
      else if (b === COMMA && this.expect === "comma-or-end") this.expect = "value";
      else if (this.expect === "comma-or-end") throw recordError(this.file, { index: this.index - 1 }, `line ${this.line}: expected , or ] after this record`);
      else throw recordError(this.file, { index: this.index, line: this.line }, b === CLOSE_ARR ? "trailing comma before ]" : "is not a JSON object");
    }
    if (this.inRecord) this.parts.push(chunk.subarray(start));
  }

  private scanLines(chunk: Buffer, from: number, out: RawRecord[]): void {
    let start = from;
    for (let i = from; i < chunk.length; i++) {
      if (chunk[i] !== LF) continue;
      this.parts.push(chunk.subarray(start, i));
      this.emitLine(out);
      this.line++;
      start = i + 1;
    }
    if (start < chunk.length) this.parts.push(chunk.subarray(start));
  }

  private emitLine(out: RawRecord[]): void {
    const bytes = Buffer.concat(this.parts);
    this.parts = [];
    if (bytes.every(isSpace)) return;
    this.recordLine = this.line;
    this.parts = [bytes];
    out.push(this.finishRecord());
  }

  private finishRecord(): RawRecord {
    const bytes = Buffer.concat(this.parts);
    this.parts = [];
    const ref = { index: this.index, line: this.recordLine };
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      throw recordError(this.file, ref, `is not valid UTF-8${looksLikeGbk(bytes) ? " (it decodes as GBK/GB18030; convert the file to UTF-8)" : ""}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw recordError(this.file, ref, `invalid JSON (${(e as Error).message})${this.mode === "lines" ? "; a torn or truncated line?" : ""}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw recordError(this.file, ref, "is not a JSON object");
    this.index++;
    return { ...ref, value: value as Record<string, unknown> };
  }
}

function isSpace(b: number): boolean {
  return b === SP || b === LF || b === CR || b === TAB;
}

function looksLikeGbk(bytes: Buffer): boolean {
  try {
    new TextDecoder("gb18030", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
