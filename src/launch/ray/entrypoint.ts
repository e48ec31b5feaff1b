// Turning an argv into what `ray job submit -- ...` needs. The Ray CLI joins the words with
// Python's subprocess.list2cmdline (Windows-style quoting) and the job supervisor runs the result
// with /bin/sh, so a word with spaces, quotes or `$` would not arrive as it was. Plain argv is
// passed as is (readable in `ray job list`); anything else travels as JSON in an environment
// variable and a one-line Python decoder execs it, exactly.

/** Words that list2cmdline leaves alone and sh reads literally. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

export const ENTRY_VARIABLE = "DIANJIN_RAY_ENTRY";

// No spaces would be fine too, but the decoder has them; list2cmdline wraps it in double quotes
// and escapes its inner quotes as \", which sh turns back into ". It contains no $ or backquote.
const DECODER = `import json,os;e=json.loads(os.environ["${ENTRY_VARIABLE}"]);os.chdir(e["cwd"]);os.execvp(e["argv"][0],e["argv"])`;

export interface RayEntrypoint {
  /** Words after `--` on the `ray job submit` command line. */
  words: string[];
  /** Extra runtime-env variables the entrypoint needs. */
  env: Record<string, string>;
}

export function rayEntrypoint(argv: readonly string[], cwd: string, python: string): RayEntrypoint {
  if (argv.length === 0) throw new RangeError("job argv is empty");
  if ([cwd, ...argv].every((w) => PLAIN.test(w))) return { words: ["cd", cwd, "&&", "exec", ...argv], env: {} };
  return { words: [python, "-c", DECODER], env: { [ENTRY_VARIABLE]: JSON.stringify({ argv, cwd }) } };
}
