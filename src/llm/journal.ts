// Durable record of finished work: one JSON line per finished item, `{"key": <sha256>, "value": <result>}`,
// appended and fsync'ed before the item counts as done. A rerun loads it and skips every key present.
// A kill -9 can leave a torn last line (no trailing newline); it is cut off on open, because that item's result
// was never acknowledged. Appends from concurrent workers are grouped into one write + one fdatasync.
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { JournalError } from "./errors.js";

interface Pending {
  line: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class Journal<R = unknown> {
  private readonly pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly entries: Map<string, R>,
    /** Bytes of a torn last line removed on open (0 when the file was clean). */
    readonly truncatedBytes: number,
  ) {}

  /** Opens (creating if needed) and loads a journal. Cuts off a torn last line. */
  static async open<R = unknown>(file: string): Promise<Journal<R>> {
    await mkdir(dirname(file), { recursive: true });
    const handle = await open(file, "a+");
    try {
      const data = await handle.readFile();
      const end = data.lastIndexOf(0x0a) + 1; // bytes after the last newline belong to a torn write
      const entries = parseEntries<R>(file, data.subarray(0, end).toString("utf8"));
      if (end < data.length) {
        await handle.truncate(end);
        await handle.datasync();
      }
      return new Journal<R>(file, handle, entries, data.length - end);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): R | undefined {
    return this.entries.get(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  /**
   * Records `value` under `key` and resolves once it is on disk. A key already recorded is left as it is
   * (never written twice). `value` must survive JSON round-tripping.
   */
  append(key: string, value: R): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.file} is closed`));
    if (this.entries.has(key)) return Promise.resolve();
    const json = JSON.stringify({ key, value });
    if (json === undefined) return Promise.reject(new TypeError("journal values must be JSON-serialisable"));
    this.entries.set(key, value);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line: `${json}\n`, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.handle.appendFile(batch.map((p) => p.line).join(""));
        await this.handle.datasync();
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.flushing = undefined;
  }
}

function parseEntries<R>(file: string, text: string): Map<string, R> {
  const entries = new Map<string, R>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new JournalError(file, i + 1, "line is not valid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as { key?: unknown }).key !== "string" || !("value" in parsed)) {
      throw new JournalError(file, i + 1, 'line is not a {"key", "value"} entry');
    }
    const { key, value } = parsed as { key: string; value: R };
    if (!entries.has(key)) entries.set(key, value);
  }
  return entries;
}
