// `run` of a family: the selected variants one after another in this process. A stage whose key another variant
// already built is found up to date in the family's store (`store:`, set by the family), so it is built once.
import { InterruptedError } from "../errors.js";
import type { Family } from "../pipeline/family.js";
import { reportError } from "./errors.js";

/** Runs one experiment of the family (run.ts's runOne, passed in so this file does not import its caller). */
type RunOne<O> = (config: string, options: O & { variant?: string }) => Promise<number>;

export async function familyRunCommand<O extends object>(family: Family, options: O & { variant?: string[] }, runOne: RunOne<O>): Promise<number> {
  const { variant: _selected, ...rest } = options;
  const ended: Array<{ variant: string; exitCode: number }> = [];
  for (const { variant } of family.members) {
    process.stderr.write(`variant ${variant} (${family.members.findIndex((m) => m.variant === variant) + 1} of ${family.members.length})\n`);
    try {
      ended.push({ variant, exitCode: await runOne(family.file, { ...(rest as O), variant }) });
    } catch (error) {
      // Ctrl-C ends the family; a variant that failed does not stop the others (its shared stages are not reused).
      if (error instanceof InterruptedError) throw error;
      ended.push({ variant, exitCode: reportError(error) });
    }
  }
  const failed = ended.filter((e) => e.exitCode !== 0);
  process.stderr.write(`family ${family.name}: ${ended.map((e) => `${e.variant} ${e.exitCode === 0 ? "done" : `failed (exit ${e.exitCode})`}`).join(", ")}\n`);
  return failed[0]?.exitCode ?? 0;
}
