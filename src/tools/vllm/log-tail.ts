// The last lines of a (possibly huge) log file, reading only its end: the project's one tail reader.
import { tailLines } from "../../util/line-reader.js";

const TAIL_BYTES = 64 * 1024;

export function readLogTail(file: string, lines: number): Promise<string[]> {
  return tailLines(file, lines, TAIL_BYTES);
}
