// Number formatting shared by the table, charts and Markdown.

/** Placeholder for a value the run or the paper does not have. */
export const MISSING = "—";

/** A score as the paper prints it: two decimals, or the placeholder. */
export function formatScore(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? MISSING : value.toFixed(2);
}
