// Writes report.md and report.html so that a reader never sees a half-written file.

import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildReport } from "./build.js";
import { HTML_FILE_NAME } from "./markdown.js";
import type { ReportInput } from "./types.js";

export const MARKDOWN_FILE_NAME = "report.md";

export interface WrittenReport {
  markdownPath: string;
  htmlPath: string;
}

export async function writeReport(dir: string, input: ReportInput): Promise<WrittenReport> {
  // Build first: a bad input must not leave one new file next to one old file.
  const report = buildReport(input);
  await mkdir(dir, { recursive: true });
  const markdownPath = join(dir, MARKDOWN_FILE_NAME);
  const htmlPath = join(dir, HTML_FILE_NAME);
  await writeAtomically(htmlPath, report.html);
  await writeAtomically(markdownPath, report.markdown);
  return { markdownPath, htmlPath };
}

/** Write to a temporary sibling, then rename over the target (rename is atomic within one file system). */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await writeFile(tmp, content, { encoding: "utf8", flush: true });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
