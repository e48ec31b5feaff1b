// Reads only the header of a .safetensors file: 8-byte little-endian length, then that many bytes of JSON.
// Tensor data is never read, so memory does not grow with the model.

import { open } from "node:fs/promises";

/** safetensors itself refuses headers above 100 MB; a bigger length means a corrupt file. */
const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range relative to the end of the header. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  fileSize: number;
  /** Offset of the first data byte: 8 + header length. */
  dataStart: number;
  tensors: TensorEntry[];
  metadata: Record<string, string>;
}

export type HeaderResult = { ok: true; header: SafetensorsHeader } | { ok: false; message: string; truncated: boolean };

function isNonNegativeInt(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

function parseEntry(name: string, raw: unknown): TensorEntry | string {
  if (typeof raw !== "object" || raw === null) return `entry for ${name} is not an object`;
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== "string") return `${name}: dtype missing`;
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInt)) return `${name}: shape is not a list of non-negative integers`;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInt)) return `${name}: data_offsets is not [begin, end]`;
  return { name, dtype, shape: shape as number[], begin: offsets[0] as number, end: offsets[1] as number };
}

export async function readSafetensorsHeader(file: string): Promise<HeaderResult> {
  const handle = await open(file, "r");
  try {
    const fileSize = (await handle.stat()).size;
    if (fileSize < 8) return { ok: false, truncated: true, message: `file is ${fileSize} bytes, shorter than the 8-byte header length` };
    const lengthBuf = Buffer.alloc(8);
    await handle.read(lengthBuf, 0, 8, 0);
    const length = lengthBuf.readBigUInt64LE(0);
    if (length > BigInt(MAX_HEADER_BYTES)) return { ok: false, truncated: false, message: `header length ${length} is implausible (corrupt file)` };
    const headerBytes = Number(length);
    if (8 + headerBytes > fileSize) {
      return { ok: false, truncated: true, message: `header claims ${headerBytes} bytes but the file has only ${fileSize - 8} after the length (truncated)` };
    }
    const jsonBuf = Buffer.alloc(headerBytes);
    await handle.read(jsonBuf, 0, headerBytes, 8);
    let parsed: unknown;
    try {
      parsed = JSON.parse(jsonBuf.toString("utf8"));
    } catch (e) {
      return { ok: false, truncated: false, message: `header is not valid JSON (${(e as Error).message})` };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ok: false, truncated: false, message: "header JSON is not an object" };
    const tensors: TensorEntry[] = [];
    let metadata: Record<string, string> = {};
    for (const [name, raw] of Object.entries(parsed)) {
      if (name === "__metadata__") {
        metadata = (raw ?? {}) as Record<string, string>;
        continue;
      }
      const entry = parseEntry(name, raw);
      if (typeof entry === "string") return { ok: false, truncated: false, message: entry };
      tensors.push(entry);
    }
    return { ok: true, header: { fileSize, dataStart: 8 + headerBytes, tensors, metadata } };
  } finally {
    await handle.close();
  }
}
