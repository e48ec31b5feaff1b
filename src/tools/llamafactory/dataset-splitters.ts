// Record boundaries in a byte stream, for the streaming dataset scan: top-level elements of a JSON array (strings
// skipped with indexOf, so their bytes are not looked at one by one) and the lines of JSON Lines. Records wholly
// inside one read chunk are handed over together, so they can be parsed or checked as a batch.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Finds record boundaries in a JSON array: top-level elements between `[` and `]`, strings skipped by indexOf. */
export class ArraySplitter {
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
export class LineSplitter {
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
