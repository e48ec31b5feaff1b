// The recipe's inputs: local files or hub downloads, read into work items in a fixed order (CFLUE MCQ, CFLUE
// open-ended, FinQA, compliance; records in file order). Every record is read and checked before any request is
// sent, so a bad record stops the build up front with the file and record named, and nothing built is touched.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { DataSourceConfig, DataStageConfig } from "../config.js";
import { loadPromptTemplate } from "../../../data/rl-rows.js";
import { readCflueMcq } from "../../../data/sources/cflue-mcq.js";
import { readCflueOpen } from "../../../data/sources/cflue-open.js";
import { readComplianceDialogues } from "../../../data/sources/compliance.js";
import { readFinQa } from "../../../data/sources/finqa.js";
import { complianceItem, finqaItem, mcqItem, openItem, type RecipeItem, type SourceName } from "./items.js";
import { downloadFromHub, hubDir, type HubCli } from "./hub.js";
import type { Prompts } from "./prompts.js";

export const SOURCE_NAMES: readonly SourceName[] = ["cflue_mcq", "cflue_open", "finqa", "compliance"];

export type SourcePaths = Partial<Record<SourceName, string>>;

/** Local path of a source: the file itself, or where its hub download lands. */
export function sourcePath(source: DataSourceConfig, downloadRoot: string): string {
  return typeof source === "string" ? source : join(hubDir(downloadRoot, source.hub), source.hub.file!);
}

/** Paths of the configured sources; hub sources are downloaded first. */
export async function fetchSources(
  config: DataStageConfig,
  downloadRoot: string,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<SourcePaths> {
  const paths: SourcePaths = {};
  for (const name of SOURCE_NAMES) {
    const source = config.sources?.[name];
    if (!source) continue;
    if (typeof source !== "string") await downloadFromHub(source.hub, [source.hub.file!], downloadRoot, config.hub_cli as HubCli, options);
    paths[name] = sourcePath(source, downloadRoot);
  }
  return paths;
}

function reader(name: SourceName, file: string): AsyncGenerator<unknown> {
  switch (name) {
    case "cflue_mcq":
      return readCflueMcq(file);
    case "cflue_open":
      return readCflueOpen(file);
    case "finqa":
      return readFinQa(file, { allowUnanswered: true }); // a missing answer is the filter's business
    case "compliance":
      return readComplianceDialogues(file);
  }
}

/** Reads every record of every source into work items. Throws ConfigError naming the file and record. */
export async function readItems(paths: SourcePaths, prompts: Prompts): Promise<RecipeItem[]> {
  const mcqTemplate = loadPromptTemplate(prompts.question_mcq.path);
  const items: RecipeItem[] = [];
  for (const name of SOURCE_NAMES) {
    const file = paths[name];
    if (!file) continue;
    for await (const record of reader(name, file)) {
      switch (name) {
        case "cflue_mcq":
          items.push(mcqItem(record as Parameters<typeof mcqItem>[0], mcqTemplate));
          break;
        case "cflue_open":
          items.push(openItem(record as Parameters<typeof openItem>[0], prompts));
          break;
        case "finqa":
          items.push(finqaItem(record as Parameters<typeof finqaItem>[0], prompts));
          break;
        case "compliance":
          items.push(complianceItem(record as Parameters<typeof complianceItem>[0], prompts));
          break;
      }
    }
  }
  return items;
}

/** Pre-flight look at a local source: it exists and its first record parses. A message, or undefined when fine. */
export async function peekSource(name: SourceName, file: string): Promise<string | undefined> {
  const s = await stat(file).catch(() => undefined);
  if (!s) return `${file} does not exist`;
  if (!s.isFile()) return `${file} is not a file`;
  try {
    const gen = reader(name, file);
    await gen.next();
    await gen.return(undefined);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}
