// `report <config>`: the run's report (paper-style table, SFT/GRPO curves, eval scores) as report.md + report.html.
import { join } from "node:path";
import { loadExperiment } from "../config/load.js";
import { collectReportInput } from "../pipeline/report-input.js";
import { runScores, writeReport } from "../report/index.js";

export async function reportCommand(config: string, options: { set: string[]; out?: string; json?: boolean }): Promise<number> {
  const { config: experiment } = await loadExperiment(config, options);
  const { input, sources } = await collectReportInput(experiment);
  const dir = options.out ?? join(experiment.workdir, "report");
  const written = await writeReport(dir, input);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...written, sources, scores: runScores(input) }, null, 2)}\n`);
    return 0;
  }
  for (const [part, source] of Object.entries(sources)) process.stderr.write(`  ${part}: ${source}\n`);
  process.stdout.write(`${written.markdownPath}\n${written.htmlPath}\n`);
  return 0;
}
