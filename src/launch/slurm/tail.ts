// Following a log file that another machine appends to: read from a byte offset, hand out
// complete lines only, survive the file not existing yet or being truncated.
import { open, stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { LineSplitter } from "./lines.js";

const CHUNK = 1 << 16;

export class LogTail {
  private decoder = new StringDecoder("utf8");
  private lines = new LineSplitter();

  constructor(
    readonly path: string,
    private offset = 0,
  ) {}

  /** A tail that skips what the file holds now. */
  static async fromEnd(path: string): Promise<LogTail> {
    const size = await stat(path).then((s) => s.size, () => 0);
    return new LogTail(path, size);
  }

  get position(): number {
    return this.offset;
  }

  /** Complete lines appended since the last call. */
  async read(): Promise<string[]> {
    const handle = await open(this.path, "r").catch(() => undefined);
    if (!handle) return [];
    try {
      const { size } = await handle.stat();
      if (size < this.offset) this.offset = 0; // truncated or replaced: start again
      const out: string[] = [];
      const buffer = Buffer.alloc(CHUNK);
      while (this.offset < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        out.push(...this.lines.push(this.decoder.write(buffer.subarray(0, bytesRead))));
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  /** Everything left, including an unfinished last line; for when the job has ended. */
  async drain(): Promise<string[]> {
    const lines = await this.read();
    return [...lines, ...this.lines.push(this.decoder.end()), ...this.lines.flush()];
  }
}
