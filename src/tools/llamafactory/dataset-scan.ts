// One streaming pass over a JSON-array or JSON Lines dataset: strict UTF-8 (file + byte offset + likely encoding),
// every record checked for the formatting's columns, the row count, and the content fingerprint. Memory stays at one
// read chunk plus one record, whatever the file size. The first records are parsed whole (JSON.parse); after them a
// record whose bytes show the required columns is counted without parsing (parsing costs ~10x the scan), and any
// other is parsed to say exactly what is wrong.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { describeInvalidUtf8, invalidUtf8Offset } from "../../util/utf8.js";

export interface ScanResult {
  rows: number;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** The first problems found (each names the file and where); the scan goes on to count rows. */
  problems: string[];
  badRecords: number;
}

/** Checks one parsed record; returns why it is unusable, or undefined. */
export type RecordCheck = (record: unknown, index: number) => string | undefined;

/** A cheap look at a record's bytes: true when the required columns are visibly there with the right kind of value. */
export type QuickCheck = (buf: Buffer, start: number, end: number) => boolean;

export interface ScanOptions {
  quick?: QuickCheck;
  /** How many records are always parsed whole. */
  parsedRecords?: number;
}

/** A QuickCheck for `"name": "` (kind string) or `"name": [` followed by something other than `]` (kind list). */
export function columnsQuickCheck(columns: Array<{ name: string; kind: "string" | "list" }>): QuickCheck {
  const keys = columns.map((c) => ({ key: Buffer.from(JSON.stringify(c.name)), kind: c.kind }));
  return (buf, start, end) => {
    for (const { key, kind } of keys) {
      let at = buf.indexOf(key, start);
      if (at < 0 || at >= end) return false;
      at += key.length;
      while (at < end && (buf[at] === 0x20 || buf[at] === 0x09)) at++;
      if (buf[at] !== 0x3a) return false;
      at++;
      while (at < end && (buf[at] === 0x20 || buf[at] === 0x09 || buf[at] === 0x0a || buf[at] === 0x0d)) at++;
      if (kind === "string" ? buf[at] !== QUOTE : buf[at] !== 0x5b) return false;
      if (kind === "list") {
        at++;
        while (at < end && (buf[at] === 0x20 || buf[at] === 0x09 || buf[at] === 0x0a || buf[at] === 0x0d)) at++;
        if (buf[at] === 0x5d) return false;
      }
    }
    return true;
  };
}

const CHUNK = 1 << 20;
const MAX_PROBLEMS = 5;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Finds record boundaries in a JSON array: top-level elements between `[` and `]`, strings skipped by indexOf. */
class ArraySplitter {
  private depth = 0;
  private inString = false;
  private started = false;
  private ended = false;
  /** Bytes of the record being read that came from earlier chunks. */
  private carry: Buffer[] = [];
  private recordStart = -1;

  constructor(
    private readonly onRecord: (bytes: Buffer, offset: number) => void,
    private readonly onBatch: (buf: Buffer, starts: number[], ends: number[], base: number) => void,
    private readonly onError: (message: string, offset: number) => void,
  ) {}

  private recordOffset = 0;
  /** Records wholly inside the current chunk: parsed together (one JSON.parse per chunk, not per record). */
  private starts: number[] = [];
  private ends: number[] = [];

  push(buf: Buffer, base: number): void {
    let i = 0;
    const n = buf.length;
    if (this.recordStart === -2) this.recordStart = 0; // a record continues from the last chunk
    while (i < n) {
      if (this.inString) {
        const q = buf.indexOf(QUOTE, i);
        if (q < 0) {
          i = n;
          break;
        }
        // Escaped when preceded by an odd number of backslashes (possibly across the chunk edge).
        let k = q - 1;
        let slashes = 0;
        while (k >= 0 && buf[k] === BACKSLASH) {
          slashes++;
          k--;
        }
        if (k < 0 && this.carry.length) {
          const last = this.carry[this.carry.length - 1]!;
          for (let j = last.length - 1; j >= 0 && last[j] === BACKSLASH; j--) slashes++;
        }
        i = q + 1;
        if (slashes % 2 === 0) this.inString = false;
        continue;
      }
      const b = buf[i]!;
      if (b === QUOTE) {
        if (this.depth === 1 && this.recordStart < 0) this.begin(i, base);
        this.inString = true;
      } else if (b === 0x7b || b === 0x5b) {
        if (!this.started) {
          if (b !== 0x5b) return this.onError("expected a JSON array of records", base + i);
          this.started = true;
          this.depth = 1;
        } else {
          if (this.ended) return this.onError("text after the closing ] of the array", base + i);
          if (this.depth === 1 && this.recordStart < 0) this.begin(i, base);
          this.depth++;
        }
      } else if (b === 0x7d || b === 0x5d) {
        this.depth--;
        if (this.depth === 0) {
          if (this.recordStart >= 0) this.end(buf, i, base);
          this.ended = true;
        } else if (this.depth === 1 && this.recordStart >= 0) this.end(buf, i + 1, base);
        if (this.depth < 0) return this.onError(`unbalanced ${String.fromCharCode(b)}`, base + i);
      } else if (b === 0x2c && this.depth === 1) {
        if (this.recordStart >= 0) this.end(buf, i, base);
      } else if (b > 0x20 && this.depth === 1 && this.recordStart < 0) {
        this.begin(i, base); // a number, true, false or null as a record: parsed and reported as not an object
      } else if (b > 0x20 && !this.started) {
        return this.onError("expected a JSON array of records", base + i);
      } else if (b > 0x20 && this.ended) {
        return this.onError("text after the closing ] of the array", base + i);
      }
      i++;
    }
    if (this.starts.length) this.onBatch(buf, this.starts, this.ends, base);
    this.starts = [];
    this.ends = [];
    if (this.recordStart >= 0) {
      this.carry.push(Buffer.from(buf.subarray(this.recordStart)));
      this.recordStart = -2;
    }
  }

  private begin(i: number, base: number): void {
    this.recordStart = i;
    this.recordOffset = base + i;
  }

  private end(buf: Buffer, i: number, _base: number): void {
    if (this.recordStart >= 0 && !this.carry.length) {
      this.starts.push(this.recordStart);
      this.ends.push(i);
      this.recordStart = -1;
      return;
    }
    const start = this.recordStart === -2 ? 0 : this.recordStart;
    const tail = buf.subarray(start, i);
    const bytes = this.carry.length ? Buffer.concat([...this.carry, tail]) : tail;
    this.carry = [];
    this.recordStart = -1;
    this.onRecord(bytes, this.recordOffset);
  }

  finish(base: number): void {
    if (!this.started) this.onError("the file holds no JSON array", base);
    else if (!this.ended) this.onError("the file ends before the closing ] (cut short?)", base);
  }
}

/** Splits JSON Lines: one record per non-blank line; the whole lines of a chunk are parsed as one batch. */
class LineSplitter {
  private carry: Buffer[] = [];
  constructor(
    private readonly onRecord: (bytes: Buffer, offset: number) => void,
    private readonly onBatch: (buf: Buffer, starts: number[], ends: number[], base: number) => void,
  ) {}

  push(buf: Buffer, base: number): void {
    const first = buf.indexOf(0x0a);
    if (first < 0) {
      this.carry.push(Buffer.from(buf));
      return;
    }
    const head = buf.subarray(0, first);
    const carried = this.carry.reduce((n, c) => n + c.length, 0);
    this.emit(this.carry.length ? Buffer.concat([...this.carry, head]) : head, base - carried);
    this.carry = [];
    const last = buf.lastIndexOf(0x0a);
    const starts: number[] = [];
    const ends: number[] = [];
    let start = first + 1;
    while (start <= last) {
      const nl = buf.indexOf(0x0a, start);
      if (!blank(buf, start, nl)) {
        starts.push(start);
        ends.push(nl);
      }
      start = nl + 1;
    }
    if (starts.length) this.onBatch(buf, starts, ends, base);
    if (last + 1 < buf.length) this.carry.push(Buffer.from(buf.subarray(last + 1)));
  }

  private emit(line: Buffer, offset: number): void {
    if (!blank(line, 0, line.length)) this.onRecord(line, offset);
  }

  finish(base: number): void {
    if (!this.carry.length) return;
    const rest = Buffer.concat(this.carry);
    this.emit(rest, base - rest.length);
  }
}

function blank(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}

export async function scanDataset(file: string, check: RecordCheck, options: ScanOptions = {}): Promise<ScanResult> {
  const parsedRecords = options.parsedRecords ?? 1000;
  const quick = options.quick;
  const hash = createHash("sha256");
  const result: ScanResult = { rows: 0, sha256: "", problems: [], badRecords: 0 };
  const problem = (message: string) => {
    if (result.problems.length < MAX_PROBLEMS) result.problems.push(`${file}: ${message}`);
  };
  let fatal = false;
  const onRecord = (bytes: Buffer, offset: number) => {
    const index = result.rows++;
    let record: unknown;
    try {
      record = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      result.badRecords++;
      return problem(`record ${index} (byte ${offset}) is not valid JSON (${(error as Error).message})`);
    }
    const why = check(record, index);
    if (why) {
      result.badRecords++;
      problem(`${why} (byte ${offset})`);
    }
  };
  // One JSON.parse for all the whole records of a chunk; only when it fails are they parsed one by one, to say where.
  const onBatch = (buf: Buffer, starts: number[], ends: number[], base: number) => {
    if (quick && result.rows >= parsedRecords) {
      for (let k = 0; k < starts.length; k++) {
        if (quick(buf, starts[k]!, ends[k]!)) result.rows++;
        else onRecord(buf.subarray(starts[k], ends[k]), base + starts[k]!);
      }
      return;
    }
    let records: unknown[] | undefined;
    try {
      const parts: string[] = [];
      for (let k = 0; k < starts.length; k++) parts.push(buf.toString("utf8", starts[k], ends[k]));
      records = JSON.parse(`[${parts.join(",")}]`) as unknown[];
    } catch {
      records = undefined;
    }
    if (!records || records.length !== starts.length) {
      for (let k = 0; k < starts.length; k++) onRecord(buf.subarray(starts[k], ends[k]), base + starts[k]!);
      return;
    }
    for (let k = 0; k < records.length; k++) {
      const index = result.rows++;
      const why = check(records[k], index);
      if (why) {
        result.badRecords++;
        problem(`${why} (byte ${base + starts[k]!})`);
      }
    }
  };
  const jsonl = file.endsWith(".jsonl");
  const splitter = jsonl
    ? new LineSplitter(onRecord, onBatch)
    : new ArraySplitter(onRecord, onBatch, (message, offset) => {
        fatal = true;
        problem(`${message} at byte ${offset}`);
      });

  let base = 0;
  let pending: Buffer | undefined; // the bytes of a UTF-8 sequence cut by the chunk edge
  for await (const read of createReadStream(file, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    hash.update(read);
    const chunkBase = base;
    base += read.length;
    if (fatal) continue; // keep hashing; the structure is already known to be broken
    // A UTF-8 byte order mark is allowed (Python's utf-8-sig), and skipped.
    const chunk = chunkBase === 0 && read[0] === 0xef && read[1] === 0xbb && read[2] === 0xbf ? read.subarray(3) : read;
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    const start = chunkBase + (read.length - chunk.length) - (pending?.length ?? 0);
    pending = undefined;
    const bad = invalidUtf8Offset(buf, true);
    let usable = buf;
    if (bad >= 0) {
      problem(describeInvalidUtf8(buf, bad, start));
      fatal = true;
      continue;
    }
    if (bad < -1) {
      const cut = -bad - 2;
      pending = Buffer.from(buf.subarray(cut));
      usable = buf.subarray(0, cut);
    }
    if (jsonl) (splitter as LineSplitter).push(usable, start);
    else (splitter as ArraySplitter).push(usable, start);
  }
  if (!fatal) {
    if (pending) problem(describeInvalidUtf8(pending, 0, base - pending.length));
    else if (jsonl) (splitter as LineSplitter).finish(base);
    else (splitter as ArraySplitter).finish(base);
  }
  result.sha256 = hash.digest("hex");
  return result;
}
