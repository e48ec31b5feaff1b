// A test whose precondition is missing (a tool, a cluster, a browser) is reported as skipped with the reason, never
// as passed; its title says what it checks. The reason is shown by the verbose reporter and, for every run, by
// test/helpers/skip-reasons-reporter.ts.
import { beforeEach } from "vitest";

/** Call inside a describe: when `reason` is set, every test of that describe is skipped with it. */
export function skipAllIf(reason: string | undefined): void {
  beforeEach((ctx) => {
    if (reason !== undefined) ctx.skip(reason);
  });
}
