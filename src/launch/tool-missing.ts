// The line a launcher's job prints when the tool it is about to start is not there — on the node it runs on, after
// its setup — so the stage's failure is classified "tool-missing" whatever launcher ran it.
import type { FailureCause } from "../errors.js";

/** The start of that line; what follows it says which tool, where, and after which setup. */
export const TOOL_MISSING_MARK = "[dianjin-train] tool missing: ";

/** The exit status the check ends the job with (the shell's "command not found"). */
export const TOOL_MISSING_EXIT = 127;

/** The tool a job starts: `command` is what the job execs (argv[0]), `name` the tools.<name> entry it comes from. */
export interface JobTool {
  name: string;
  command: string;
}

/** What the check said, from a log tail: the text after the mark, or undefined. */
export function toolMissingText(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const at = line.indexOf(TOOL_MISSING_MARK);
    if (at !== -1) return line.slice(at + TOOL_MISSING_MARK.length).trim();
  }
  return undefined;
}

/** The job's own check found no tool where it runs (a Slurm node after the setup lines, the Ray cluster). */
export function toolMissingCause(logTail: readonly string[]): FailureCause | undefined {
  const text = toolMissingText(logTail);
  if (text === undefined) return undefined;
  return {
    id: "tool-missing",
    summary: text,
    hint: "install the tool where the job runs, or make cluster.slurm.setup provide it (or point tools.<tool>.command at it)",
  };
}
