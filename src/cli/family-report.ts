// `report` of a family: each variant's own report in its workdir, then the family's (the comparison table with the
// paper's rows of the same sizes, and links to the variants' reports) in <family workdir>/report/.
import { join, relative } from "node:path";
import type { Family } from "../pipeline/family.js";
import { compareRows } from "../pipeline/compare.js";
import { collectReportInput } from "../pipeline/report-input.js";
import { buildComparison } from "../report/compare-table.js";
import { familyHtml, familyMarkdown } from "../report/family-page.js";
import { HTML_FILE_NAME, MARKDOWN_FILE_NAME, writeAtomically, writeReport } from "../report/index.js";
import { fsExtra } from "../util/fsx.js";

export async function familyReportCommand(family: Family, options: { out?: string; json?: boolean }): Promise<number> {
  const dir = options.out ?? join(family.workdir, "report");
  const links: Record<string, string> = {};
  for (const { variant, loaded } of family.members) {
    const written = await writeReport(join(loaded.config.workdir, "report"), (await collectReportInput(loaded.config)).input);
    links[variant] = relative(dir, written.htmlPath);
  }
  const rows = await compareRows(family.members.map((m) => m.loaded.config));
  const comparison = buildComparison(rows, { paper: true });
  await (await fsExtra()).ensureDir(dir);
  const markdownPath = join(dir, MARKDOWN_FILE_NAME);
  const htmlPath = join(dir, HTML_FILE_NAME);
  await writeAtomically(htmlPath, familyHtml({ family: family.name, comparison, links }));
  await writeAtomically(markdownPath, familyMarkdown({ family: family.name, comparison, links }));
  if (options.json) process.stdout.write(`${JSON.stringify({ markdownPath, htmlPath, experiments: rows, table: comparison }, null, 2)}\n`);
  else process.stdout.write(`${markdownPath}\n${htmlPath}\n`);
  return 0;
}
