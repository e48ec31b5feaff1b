// `run` of a family: the selected variants one after another in this process. A stage whose key another variant
// already built is found up to date in the family's store (`store:`, set by the family), so it is built once.
import { InterruptedError } from "../errors.js";
import type { Family } from "../pipeline/family.js";
import { reportError } from "./errors.js";

/** Runs one variant (run.ts's runOne, passed in so this file does not import its caller); --json results go to onResult. */
type RunVariant = (variant: string, onResult: (result: unknown) => void) => Promise<number>;

export async function familyRunCommand(family: Family, options: { json?: boolean }, runVariant: RunVariant): Promise<number> {
  const ended: Array<{ variant: string; exitCode: number }> = [];
  // --json: one object with each variant's result, printed once all have run.
  const results: Record<string, unknown> = {};
  for (const { variant } of family.members) {
    process.stderr.write(`variant ${variant} (${family.members.findIndex((m) => m.variant === variant) + 1} of ${family.members.length})\n`);
    try {
      const onResult = (result: unknown) => (results[variant] = result);
      ended.push({ variant, exitCode: await runVariant(variant, onResult) });
    } catch (error) {
      // Ctrl-C ends the family; a variant that failed does not stop the others (its shared stages are not reused).
      if (error instanceof InterruptedError) throw error;
      ended.push({ variant, exitCode: reportError(error) });
    }
  }
  const failed = ended.filter((e) => e.exitCode !== 0);
  if (options.json) process.stdout.write(`${JSON.stringify({ family: family.name, workdir: family.workdir, variants: results }, null, 2)}\n`);
  process.stderr.write(`family ${family.name}: ${ended.map((e) => `${e.variant} ${e.exitCode === 0 ? "done" : `failed (exit ${e.exitCode})`}`).join(", ")}\n`);
  return failed[0]?.exitCode ?? 0;
}
