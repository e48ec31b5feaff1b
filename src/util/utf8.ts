// Strict UTF-8 checks that name where a file stops being UTF-8 and what it probably is instead. The tools read their
// inputs as UTF-8 (Python's json/yaml raise UnicodeDecodeError); Node would silently put U+FFFD in their place.
import { isUtf8 } from "node:buffer";

/** Length of the sequence a lead byte starts, 0 for a byte that cannot lead. */
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/**
 * Byte offset of the first byte that is not valid UTF-8, or -1. With `partialEnd`, a sequence cut by the end of the
 * buffer is not an error (the next chunk continues it): the returned value is then `-(cut position) - 2`.
 */
export function invalidUtf8Offset(buf: Uint8Array, partialEnd = false): number {
  if (isUtf8(buf)) return -1;
  if (partialEnd) {
    // Most chunks are valid text cut inside a character: check the whole part natively, then the few bytes after.
    let lead = buf.length - 1;
    while (lead > 0 && buf.length - lead < 4 && (buf[lead]! & 0xc0) === 0x80) lead--;
    const len = sequenceLength(buf[lead]!);
    if (len > 1 && lead + len > buf.length && isUtf8(buf.subarray(0, lead))) {
      for (let k = lead + 1; k < buf.length; k++) if ((buf[k]! & 0xc0) !== 0x80) return k;
      return -lead - 2;
    }
  }
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = sequenceLength(b);
    if (len === 0) return i;
    if (i + len > n) {
      // Cut by the end: valid so far?
      for (let k = i + 1; k < n; k++) if ((buf[k]! & 0xc0) !== 0x80) return i;
      return partialEnd ? -i - 2 : i;
    }
    const b1 = buf[i + 1]!;
    if ((b1 & 0xc0) !== 0x80) return i;
    // Overlong and surrogate forms, as the standard forbids.
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    for (let k = 2; k < len; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

/** A best guess at the encoding of bytes that are not UTF-8, for the error message. */
export function guessEncoding(sample: Uint8Array): string {
  if (sample[0] === 0xff && sample[1] === 0xfe) return "UTF-16 LE";
  if (sample[0] === 0xfe && sample[1] === 0xff) return "UTF-16 BE";
  // The sample may end mid-character: a replacement there says nothing.
  const text = new TextDecoder("gb18030").decode(sample).replace(/\uFFFD{1,2}$/, "");
  if (!text.includes("\uFFFD") && /[\u4e00-\u9fff]/.test(text)) return "GB18030/GBK";
  return "Latin-1/Windows-1252";
}

/** "not UTF-8 at byte N (line L); it looks like X: convert it with iconv -f X -t UTF-8" */
export function describeInvalidUtf8(buf: Uint8Array, offset: number, base = 0): string {
  // Guessed from the bytes at the bad one: what comes before may be plain ASCII or valid UTF-8.
  const encoding = guessEncoding(buf.subarray(offset < 2 ? 0 : offset, Math.min(buf.length, offset + 256)));
  return `not UTF-8 at byte ${base + offset}; it looks like ${encoding} (convert it, e.g. iconv -f ${encoding.split("/")[0]!.replace(/ .*/, "")} -t UTF-8)`;
}
