// Reads a file the user named only when it is a regular file of sane size: /dev/zero, a FIFO or a 9 GB file named as
// a config would otherwise be read without end (or block forever waiting for a writer).
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { Stats } from "node:fs";

/** Why a named path cannot be read as a file, in words for the user. */
export class UnreadableFile extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "UnreadableFile";
  }
}

export function fileKind(info: Stats): string {
  if (info.isDirectory()) return "a folder";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  return "not a regular file";
}

export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The file's bytes; throws UnreadableFile when it is not a regular file or holds more than `maxBytes`. */
export async function readBoundedFile(path: string, maxBytes: number): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === "ENOENT" ? "file not found" : error.code === "EACCES" ? "permission denied" : error.message;
    throw new UnreadableFile(why);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UnreadableFile(`it is ${fileKind(info)}, not a regular file`);
    if (info.size > maxBytes) throw new UnreadableFile(`it is ${sizeText(info.size)}; at most ${sizeText(maxBytes)}`);
    // Read at most one byte past the limit: a file that grows (or a /proc file that reports size 0) stays bounded.
    let buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(info.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw new UnreadableFile(`it holds more than ${sizeText(maxBytes)}`);
        buffer = Buffer.concat([buffer, Buffer.alloc(Math.min(buffer.length, maxBytes + 1 - buffer.length))]);
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
