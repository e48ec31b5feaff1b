// The one place where values become shell or #SBATCH text. Everything the launchers render goes
// through these two functions; no value is ever pasted into a script unquoted.

// Words made only of these characters mean the same to bash and to sbatch without quotes.
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A single bash word that stands for exactly `value` (POSIX single quotes). */
export function shellQuote(value: string): string {
  if (PLAIN.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The value of an `#SBATCH --key=value` line. sbatch's own parser understands double quotes and
 * backslash escapes only (single quotes are kept literally), and a line ends at the newline.
 */
export function directiveQuote(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new RangeError(`#SBATCH value must be one line: ${JSON.stringify(value)}`);
  if (PLAIN.test(value)) return value;
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}
