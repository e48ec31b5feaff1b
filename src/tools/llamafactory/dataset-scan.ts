// One streaming pass over a JSON-array or JSON Lines dataset: strict UTF-8 (file + byte offset + likely encoding),
// every record checked for the formatting's columns, the row count, and the content fingerprint. What Python's `json`
// (and so the `datasets` JSON loader LLaMA-Factory uses, which opens the file as UTF-8 text) rejects is refused with its
// byte offset: a byte order mark ("Unexpected UTF-8 BOM"), any control byte other than tab/CR/LF (a NUL after the
// array is "Extra data", inside a string "Invalid control character"), and text after the array. Memory stays at one
// read chunk plus one record, whatever the file size. The first records are parsed whole (JSON.parse); after them a
// record whose bytes show the required columns is counted without parsing (parsing costs ~10x the scan), and any
// other is parsed to say exactly what is wrong.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { describeInvalidUtf8, invalidUtf8Offset } from "../../util/utf8.js";
import { ArraySplitter, LineSplitter } from "./dataset-splitters.js";

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
/** Bytes JSON allows nowhere: not as whitespace (only space, tab, LF, CR) and not raw inside a string. */
const CONTROL_BYTES = [...Array(0x20).keys()].filter((b) => b !== 0x09 && b !== 0x0a && b !== 0x0d);
const CONTROL_NAMES: Record<number, string> = { 0: "NUL", 0x0c: "form feed", 0x1a: "Ctrl-Z" };

/** Offset of the first byte of CONTROL_BYTES in `buf`, or -1 (one native indexOf per byte value: ~4 GB/s). */
function controlByteOffset(buf: Buffer): number {
  let first = -1;
  for (const b of CONTROL_BYTES) {
    const at = buf.indexOf(b);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/** Counted unparsed only when the record's text is braces around something: text after the value is parsed, and named. */
function isObjectText(buf: Buffer, start: number, end: number): boolean {
  let last = end - 1;
  while (last > start && (buf[last] === 0x20 || buf[last] === 0x09 || buf[last] === 0x0d)) last--;
  return buf[start] === 0x7b && buf[last] === 0x7d;
}

function describeControlByte(b: number, offset: number): string {
  const name = `0x${b.toString(16).padStart(2, "0")}${CONTROL_NAMES[b] ? ` (${CONTROL_NAMES[b]})` : ""}`;
  return `control byte ${name} at byte ${offset}: Python's json rejects it (JSON allows no control byte but tab, LF and CR, and none inside a string); remove it (a file padded with NULs was cut or preallocated)`;
}
const MAX_PROBLEMS = 5;
const QUOTE = 0x22;

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
        if (isObjectText(buf, starts[k]!, ends[k]!) && quick(buf, starts[k]!, ends[k]!)) result.rows++;
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
    if (chunkBase === 0 && read[0] === 0xef && read[1] === 0xbb && read[2] === 0xbf) {
      // `datasets` opens JSON files as encoding="utf-8" (not utf-8-sig), so the BOM reaches json as U+FEFF.
      problem(`starts with a UTF-8 byte order mark (BOM) at byte 0: Python's json rejects it ("Unexpected UTF-8 BOM"); save the file as UTF-8 without a BOM`);
      fatal = true;
      continue;
    }
    const buf = pending ? Buffer.concat([pending, read]) : read;
    const start = chunkBase - (pending?.length ?? 0);
    pending = undefined;
    const bad = invalidUtf8Offset(buf, true);
    const control = controlByteOffset(buf);
    let usable = buf;
    if (control >= 0 && (bad < 0 || control < bad)) {
      problem(describeControlByte(buf[control]!, start + control));
      fatal = true;
      continue;
    }
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
