// The workdir must be a folder we can create and write: checked with the config (exit 2), not found by EEXIST,
// ENOTDIR or ENAMETOOLONG in the middle of a run.
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Problem } from "../errors.js";

/** Far below PATH_MAX (4096): the stage folders, checkpoints and Ray's socket paths are appended to it. */
export const MAX_WORKDIR_LENGTH = 1024;
const MAX_COMPONENT_BYTES = 255;

export async function workdirProblems(workdir: string): Promise<Problem[]> {
  const problem = (message: string): Problem[] => [{ path: "workdir", message }];
  if (workdir.trim() === "") return problem("must not be empty (state would be written into the current folder)");
  if (workdir.length > MAX_WORKDIR_LENGTH) return problem(`is ${workdir.length} characters long; keep it under ${MAX_WORKDIR_LENGTH}`);
  const long = workdir.split("/").find((part) => Buffer.byteLength(part) > MAX_COMPONENT_BYTES);
  if (long) return problem(`has a folder name longer than ${MAX_COMPONENT_BYTES} bytes ("${long.slice(0, 20)}…")`);
  if (workdir.includes("\0")) return problem("contains a NUL character");
  // The nearest part of the path that exists decides: a folder we can write into, or not.
  let path = workdir;
  for (;;) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      if (info.code === "ENOENT" && dirname(path) !== path) {
        path = dirname(path);
        continue;
      }
      if (info.code === "ENOTDIR") {
        path = dirname(path);
        continue;
      }
      return problem(`cannot be used: ${info.message}`);
    }
    if (!info.isDirectory()) {
      return problem(path === workdir ? `${workdir} is a file, not a folder` : `cannot be created: ${path} is a file, not a folder`);
    }
    const writable = await access(path, constants.W_OK | constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!writable) return problem(path === workdir ? `${workdir} is not writable` : `cannot be created: no permission to write in ${path}`);
    return [];
  }
}
