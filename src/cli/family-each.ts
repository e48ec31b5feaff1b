// `status`, `cancel` (and `stop`) of a family: the command once per selected variant, each under its name. With
// --json, one object keyed by variant.
import { loadFamily, type Family } from "../pipeline/family.js";

type One = (variant: string, sink: (json: unknown) => void) => Promise<number>;
/** What concerns the family as a whole (its detached driver), before the variants; its fields join the --json object. */
type Head = (family: Family) => Promise<Record<string, unknown> | undefined>;

/** Undefined for a file of one experiment; else the worst exit code over the variants. */
export async function eachVariant(
  config: string,
  options: { set: string[]; variant?: string[] },
  one: One,
  json: boolean,
  head?: Head,
): Promise<number | undefined> {
  const family = await loadFamily(config, { set: options.set, variants: options.variant });
  if (!family) return undefined;
  const whole = head ? await head(family) : undefined;
  const collected: Record<string, unknown> = {};
  let exitCode = 0;
  for (const { variant } of family.members) {
    if (!json) process.stdout.write(`variant ${variant}\n`);
    const code = await one(variant, (value) => (collected[variant] = value));
    exitCode = exitCode || code;
  }
  if (json) process.stdout.write(`${JSON.stringify({ family: family.name, workdir: family.workdir, ...whole, variants: collected }, null, 2)}\n`);
  return exitCode;
}
