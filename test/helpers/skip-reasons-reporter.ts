// Lists every skipped test with its reason at the end of a run, so a skip is never mistaken for a pass (the default
// reporter only counts them). Reasons come from ctx.skip(reason) (see test/helpers/skip.ts).
import { relative } from "node:path";
import type { Reporter, TestModule, Vitest } from "vitest/node";

export default class SkipReasonsReporter implements Reporter {
  private vitest?: Vitest;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const byReason = new Map<string, string[]>();
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== "skipped" || test.options.mode === "todo") continue;
        const reason = result.note ?? "no reason given";
        const where = `${relative(this.vitest?.config.root ?? process.cwd(), module.moduleId)} › ${test.fullName}`;
        byReason.set(reason, [...(byReason.get(reason) ?? []), where]);
      }
    }
    if (!byReason.size) return;
    const lines = ["", `Skipped (${[...byReason.values()].flat().length}), by reason:`];
    for (const [reason, tests] of byReason) {
      lines.push(`  ${reason}:`);
      for (const t of tests) lines.push(`    - ${t}`);
    }
    const log = this.vitest ? (s: string) => this.vitest!.logger.log(s) : (s: string) => console.log(s);
    log(lines.join("\n"));
  }
}
