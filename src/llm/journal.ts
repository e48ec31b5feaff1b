// Durable record of finished work: one JSON line per finished item, `{"key": <sha256>, "value": <result>}`,
// appended and fsync'ed before the item counts as done. A rerun loads it and skips every key present.
// A kill -9 can leave a torn last line (no trailing newline); it is cut off on open, because that item's result
// was never acknowledged.
// Group commit: every append made in one turn of the event loop is written and fdatasync'ed together, at the end of
// that turn (setImmediate), with synchronous calls. Asynchronous fs calls would queue the commit behind the libuv
// thread pool and then behind every socket event of a busy loop (measured: ~260 ms from an answer's arrival to disk
// at concurrency 64 on a loaded machine); a synchronous commit blocks the loop for one fdatasync (a few ms) and
// makes an answer durable within that turn. scripts/bench/journal-kill.mjs measures what a kill -9 then re-pays.
import { fdatasyncSync, writeSync } from "node:fs";
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
  private scheduled: NodeJS.Immediate | undefined;
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
      this.scheduled ??= setImmediate(() => this.commit());
    });
  }

  /** Commits pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.commit();
    await this.handle.close();
  }

  /** One write + one fdatasync for every append of this turn of the event loop. */
  private commit(): void {
    this.scheduled = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    try {
      const bytes = Buffer.from(batch.map((p) => p.line).join(""), "utf8");
      for (let at = 0; at < bytes.length;) at += writeSync(this.handle.fd, bytes, at, bytes.length - at);
      fdatasyncSync(this.handle.fd);
      for (const p of batch) p.resolve();
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
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
