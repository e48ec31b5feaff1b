// Jobs on another machine (the Ray cluster) read and write the workdir where this machine does: the launcher writes a
// marker naming the job into the job's directory right before submitting, and the job's entrypoint looks for it there
// before anything starts. A node that does not share the file system (no such directory, or an older copy without this
// job's marker) ends the job at once with the line below, which the pipeline reports as a pre-flight problem.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FailureCause } from "../errors.js";

export const WORKDIR_NOT_SHARED_MARK = "[dianjin-train] workdir not shared: ";

/** The exit status the check ends the job with. */
export const WORKDIR_NOT_SHARED_EXIT = 3;

const MARKER = ".dianjin-shared-check";

export function workdirMarkerPath(cwd: string): string {
  return join(cwd, MARKER);
}

/** The marker for job `id` (one line: the id); the next submission from this directory overwrites it. */
export async function writeWorkdirMarker(cwd: string, id: string): Promise<void> {
  await writeFile(workdirMarkerPath(cwd), `${id}\n`);
}

export function workdirNotSharedCause(logTail: readonly string[]): FailureCause | undefined {
  const line = logTail.find((l) => l.includes(WORKDIR_NOT_SHARED_MARK));
  if (line === undefined) return undefined;
  return {
    id: "workdir-not-shared",
    summary: line.slice(line.indexOf(WORKDIR_NOT_SHARED_MARK) + WORKDIR_NOT_SHARED_MARK.length).trim(),
    hint: "launcher ray needs the workdir on a file system the Ray nodes share (the same path on every node): put workdir on it, or use launcher slurm",
  };
}
