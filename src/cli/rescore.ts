// `rescore <config>`: re-score the saved eval answers with the current scorers (no model calls), keep the old scores
// beside the new ones, and say what changed per benchmark.
import { oneExperiment } from "./options.js";
import { dirname } from "node:path";
import { loadExperiment } from "../config/load.js";
import { acquireLock } from "../pipeline/lock.js";
import { stagePaths } from "../pipeline/plan.js";
import { readState } from "../pipeline/state.js";
import type { EvalStageConfig } from "../stages/eval/config.js";
import { rescoreEval, type RescoredBenchmark } from "../stages/eval/rescore.js";

export async function rescoreCommand(config: string, options: { set: string[]; json?: boolean }): Promise<number> {
  const { config: experiment } = await loadExperiment(config, oneExperiment(options));
  const state = await readState(experiment.workdir, experiment.name);
  const recorded = state.stages["eval"]?.outputs?.["scores"];
  const outputDir = typeof recorded === "string" ? dirname(recorded) : stagePaths(experiment.workdir, "eval").output;
  // Never under a running pipeline: the eval stage may be writing these very files.
  const lock = await acquireLock(experiment.workdir, "dianjin-train rescore");
  try {
    const result = await rescoreEval(outputDir, experiment.stages["eval"] as EvalStageConfig | undefined);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(`scoring rules v${result.fromVersion} → v${result.toVersion} (${outputDir})\n`);
    for (const b of result.benchmarks) process.stdout.write(`${line(b)}\n`);
    for (const name of result.carried) process.stdout.write(`${name}: unchanged (scored by EvalScope)\n`);
    process.stdout.write(
      result.keptAs ? `previous scores kept as ${result.keptAs}\n` : `a scores.v${result.fromVersion}.json was already kept; it is unchanged\n`,
    );
    return 0;
  } finally {
    await lock.release();
  }
}

function line(b: RescoredBenchmark): string {
  const pct = (v: number | undefined) => (v === undefined ? "—" : v.toFixed(2));
  const delta = b.before === undefined ? "" : ` (${b.after - b.before >= 0 ? "+" : ""}${(b.after - b.before).toFixed(2)})`;
  const moves = b.changed
    ? `${b.changed} of ${b.items} items changed verdict: ${b.nowRight} now right, ${b.nowWrong} now wrong`
    : `no item changed verdict (${b.items} items)`;
  const format = b.formatBefore !== undefined && b.formatBefore !== b.formatAfter ? `; format ${pct(b.formatBefore)} → ${pct(b.formatAfter)}` : "";
  const notes = [b.judgeKept ? "judge verdicts kept" : "", b.questionsMissing ? "questions unavailable" : ""].filter(Boolean).join(", ");
  return `${b.benchmark}: ${pct(b.before)} → ${pct(b.after)}${delta}; ${moves}${format}${notes ? ` [${notes}]` : ""}`;
}
