// The last lines of a (possibly huge) log file, reading only its end.

import { open } from "node:fs/promises";

const TAIL_BYTES = 64 * 1024;

export async function readLogTail(file: string, lines: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return [];
  }
  try {
    const size = (await handle.stat()).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const all = buf.toString("utf8").split(/\r?\n|\r/);
    if (start > 0) all.shift(); // first line is cut
    while (all.length && all[all.length - 1] === "") all.pop();
    return all.slice(-lines);
  } finally {
    await handle.close();
  }
}
