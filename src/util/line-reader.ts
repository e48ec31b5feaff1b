// The one line reader: follows a growing file by byte offset and hands out complete lines, and reads the last lines
// of a file. Only new bytes are read; a partial last line (or a UTF-8 character cut between reads) waits for its
// newline; memory stays flat however large the file grows. Used for job logs (local, Slurm, Ray), JSONL progress
// files and the run log.
import { open, stat } from "node:fs/promises";

const NEWLINE = 0x0a;
const CHUNK = 1 << 20;

export class LineReader {
  private offset: number;
  private pending: Buffer = Buffer.alloc(0);
  private readonly buffer = Buffer.allocUnsafe(CHUNK);

  constructor(
    readonly file: string,
    startAt = 0,
  ) {
    this.offset = startAt;
  }

  /** A reader that skips what the file holds now (lines of an earlier attempt are not this job's). */
  static async fromEnd(file: string): Promise<LineReader> {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    return new LineReader(file, size);
  }

  /** Bytes consumed so far (complete lines and the pending partial line). */
  get position(): number {
    return this.offset;
  }

  /** Reads what was appended since the last call; returns the number of new bytes seen. */
  async poll(onLine: (line: string) => void): Promise<number> {
    return this.pollRaw((data, start, end) => onLine(data.toString("utf8", start, end)));
  }

  /** Like poll, but hands out byte ranges (no string made), for callers that look at only some lines. */
  async pollRaw(onLine: (data: Buffer, start: number, end: number) => void): Promise<number> {
    let handle;
    try {
      handle = await open(this.file, "r");
    } catch {
      return 0; // not written yet
    }
    let seen = 0;
    try {
      const { size } = await handle.stat();
      if (size < this.offset) {
        // Truncated or replaced: start over.
        this.offset = 0;
        this.pending = Buffer.alloc(0);
      }
      while (this.offset < size) {
        const { bytesRead } = await handle.read(this.buffer, 0, CHUNK, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        seen += bytesRead;
        this.consume(this.buffer.subarray(0, bytesRead), onLine);
      }
    } finally {
      await handle.close();
    }
    return seen;
  }

  /** The unterminated last line, if any (for a job that ended without a final newline). */
  flush(onLine: (line: string) => void): void {
    if (this.pending.length) onLine(this.pending.toString("utf8"));
    this.pending = Buffer.alloc(0);
  }

  /** The complete lines appended since the last call, as an array. */
  async read(): Promise<string[]> {
    const lines: string[] = [];
    await this.poll((line) => lines.push(line));
    return lines;
  }

  /** Like read, then the unterminated last line too; for a file whose writer has ended. */
  async drain(): Promise<string[]> {
    const lines = await this.read();
    this.flush((line) => lines.push(line));
    return lines;
  }

  private consume(chunk: Buffer, onLine: (data: Buffer, start: number, end: number) => void): void {
    let data = chunk;
    if (this.pending.length) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = Buffer.alloc(0);
    }
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
      const end = nl > start && data[nl - 1] === 0x0d ? nl - 1 : nl;
      onLine(data, start, end);
      start = nl + 1;
    }
    // Copy: `data` may be the reusable read buffer.
    if (start < data.length) this.pending = Buffer.from(data.subarray(start));
  }
}

/** The last `maxLines` lines of a file, reading at most `maxBytes` from its end. */
export async function tailLines(file: string, maxLines = 30, maxBytes = 256 * 1024): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString("utf8").split(/\r?\n/);
    if (size > length) lines.shift(); // first line is probably cut
    while (lines.length && lines[lines.length - 1] === "") lines.pop();
    return lines.slice(-maxLines);
  } finally {
    await handle.close();
  }
}
