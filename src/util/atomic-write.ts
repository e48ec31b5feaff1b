// Atomic file writes: temp file in the same folder, fsync, rename. A crash leaves the old or the new file, never half.
import { open, rename, mkdir, unlink } from "node:fs/promises";
import { dirname, basename, join } from "node:path";

let counter = 0;

/** `data` may be a sequence of chunks, for content too large to be one string (V8 caps string length). */
export async function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  const handle = await open(tmp, "w");
  try {
    if (typeof data === "string" || data instanceof Uint8Array) await handle.writeFile(data);
    else for (const chunk of data) await handle.write(chunk);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(tmp, path);
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

const JSONL_CHUNK_ROWS = 256;

/** One JSON line per row, atomically, written in chunks of rows. */
export async function writeJsonlAtomic(path: string, rows: readonly unknown[]): Promise<void> {
  function* chunks(): Generator<string> {
    for (let i = 0; i < rows.length; i += JSONL_CHUNK_ROWS)
      yield rows
        .slice(i, i + JSONL_CHUNK_ROWS)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join("");
  }
  await writeFileAtomic(path, chunks());
}
