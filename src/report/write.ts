// Writes report.md and report.html so that a reader never sees a half-written file.

import { join } from "node:path";
import { buildReport } from "./build.js";
import { HTML_FILE_NAME } from "./markdown.js";
import type { ReportInput } from "./types.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { fsExtra } from "../util/fsx.js";

export const MARKDOWN_FILE_NAME = "report.md";

export interface WrittenReport {
  markdownPath: string;
  htmlPath: string;
}

export async function writeReport(dir: string, input: ReportInput): Promise<WrittenReport> {
  // Build first: a bad input must not leave one new file next to one old file.
  const report = buildReport(input);
  await (await fsExtra()).ensureDir(dir);
  const markdownPath = join(dir, MARKDOWN_FILE_NAME);
  const htmlPath = join(dir, HTML_FILE_NAME);
  await writeAtomically(htmlPath, report.html);
  await writeAtomically(markdownPath, report.markdown);
  return { markdownPath, htmlPath };
}

/** The project's one atomic write (temp file, fsync, rename), kept under this name for the report API. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  await writeFileAtomic(path, content);
}
