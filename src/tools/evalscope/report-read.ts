// Finds EvalScope's run folder under --work-dir and reads one score per benchmark from it.

import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { StageError } from "../../errors.js";
import type { EvalscopeBenchmark } from "./benchmarks.js";
import type { EvalscopeCommand } from "./render.js";
import { EvalscopeReportError, parseEvalscopeReport, type ParsedEvalscopeReport } from "./report-parse.js";

/** Folder names EvalScope gives timestamped runs: YYYYMMDD_HHMMSS. */
export const RUN_DIR_PATTERN = /^\d{8}_\d{6}$/;

export interface EvalscopeScore extends ParsedEvalscopeReport {
  benchmark: EvalscopeBenchmark;
  file: string;
}

/** Names of the timestamped run folders already present; pass to findRunDir to ignore them. */
export async function listRunDirs(workDir: string): Promise<Set<string>> {
  const entries = await readdir(workDir, { withFileTypes: true }).catch(() => []);
  return new Set(entries.filter((e) => e.isDirectory() && RUN_DIR_PATTERN.test(e.name)).map((e) => e.name));
}

/** The run folder: <work-dir> itself for --no-timestamp, else the newest timestamped folder not in `before`. */
export async function findRunDir(workDir: string, timestamped: boolean, before: ReadonlySet<string> = new Set()): Promise<string | undefined> {
  if (!timestamped) return (await isDir(join(workDir, "reports"))) ? workDir : undefined;
  const names = [...(await listRunDirs(workDir))]
    .filter((n) => !before.has(n))
    .sort()
    .reverse();
  for (const n of names) if (await isDir(join(workDir, n, "reports"))) return join(workDir, n);
  return undefined;
}

/** `stage` names the stage whose run this was, for the StageError a missing or unreadable report becomes. */
export async function readEvalscopeScores(
  workDir: string,
  command: Pick<EvalscopeCommand, "timestamped" | "reportFiles">,
  stage: string,
  before?: ReadonlySet<string>,
): Promise<EvalscopeScore[]> {
  const runDir = await findRunDir(workDir, command.timestamped, before);
  if (!runDir) throw missing(stage, `no EvalScope run folder with reports/ under ${workDir}`);
  const scores: EvalscopeScore[] = [];
  for (const [benchmark, rel] of Object.entries(command.reportFiles) as [EvalscopeBenchmark, string][]) {
    const file = await locate(runDir, rel);
    if (!file) throw missing(stage, `EvalScope wrote no ${rel} in ${runDir}`);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, "utf8"));
      scores.push({ benchmark, file, ...parseEvalscopeReport(json, file) });
    } catch (e) {
      const why = e instanceof EvalscopeReportError ? e.message : `${file}: ${(e as Error).message}`;
      throw new StageError(
        stage,
        {
          id: "evalscope-report-unreadable",
          summary: `cannot read an EvalScope report: ${why}`,
          hint: "check the EvalScope version against the layouts this library reads (v0.x, v1.x, schema_version 2)",
        },
        {},
      );
    }
  }
  return scores;
}

/** reports/<model_id>/<file>; if model_id differs (e.g. --model-id was set elsewhere), accept the only candidate. */
async function locate(runDir: string, rel: string): Promise<string | undefined> {
  const direct = join(runDir, rel);
  if (await isFile(direct)) return direct;
  const fileName = rel.split("/").at(-1)!;
  const reports = join(runDir, "reports");
  const models = await readdir(reports, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const m of models) if (m.isDirectory() && (await isFile(join(reports, m.name, fileName)))) found.push(join(reports, m.name, fileName));
  return found.length === 1 ? found[0] : undefined;
}

function missing(stage: string, summary: string): StageError {
  return new StageError(
    stage,
    { id: "evalscope-report-missing", summary, hint: "look at EvalScope's logs/eval_log.log in the run folder; the evaluation may have stopped early" },
    {},
  );
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}
