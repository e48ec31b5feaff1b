// Gathers a run's report input from its workdir: each stage's part (its sections: curves, scores; its summary lines),
// the run's stage statuses, and the git sha from manifest.json. Everything but the experiment itself is optional: a
// report of a run that has only trained shows the curves, one that has only evaluated shows the table.
import { join } from "node:path";
import type { Experiment } from "../config/schema.js";
import type { ReportPart } from "../contract/stage.js";
import { readState, type RunState } from "./state.js";
import type { ReportInput } from "../report/index.js";
import { STAGE_MODULES } from "../stages/registry.js";
import { stagePaths } from "./plan.js";
import { readJsonIfThere } from "../util/fsx.js";

export interface CollectedReport {
  input: ReportInput;
  /** Where each part came from (or why it is missing), for the command's output. */
  sources: Record<string, string>;
}

export async function collectReportInput(config: Experiment): Promise<CollectedReport> {
  const workdir = config.workdir;
  const state = await readState(workdir, config.name);
  // Every registered stage is asked, in or out of this experiment: a folder an earlier config left still reports.
  const parts: ReportPart[] = [];
  for (const stage of STAGE_MODULES) {
    if (stage.report) parts.push(await stage.report({ paths: stagePaths(workdir, stage.name), config, recorded: state.stages[stage.name]?.outputs }));
  }
  const manifest = await readJsonIfThere<{ git?: { sha: string; dirty: boolean } | null; writtenAt?: string }>(join(workdir, "manifest.json"));
  const git = manifest?.git;
  const input: ReportInput = {
    experiment: config.name,
    modelSize: modelSize(config.model.base),
    sections: parts.flatMap((p) => p.sections ?? []),
    meta: {
      gitSha: git ? `${git.sha}${git.dirty ? " (dirty)" : ""}` : "unknown",
      created: firstStart(state) ?? manifest?.writtenAt ?? "unknown",
      configSummary: { ...runSummary(config, state), ...Object.assign({}, ...parts.map((p) => p.summary ?? {})) },
    },
  };
  return { input, sources: Object.assign({}, ...parts.map((p) => p.sources ?? {})) };
}

/** "Qwen/Qwen2.5-7B-Instruct" → "7b"; a name without a size → "unknown" (compared with both paper models). */
export function modelSize(base: string): string {
  const m = /(?:^|[-_/])(\d+(?:\.\d+)?)b(?:$|[-_.])/i.exec(base);
  return m ? `${m[1]}b`.toLowerCase() : "unknown";
}

function firstStart(state: RunState): string | undefined {
  const starts = Object.values(state.stages)
    .map((s) => s?.startedAt)
    .filter((s): s is string => typeof s === "string")
    .sort();
  return starts[0];
}

function runSummary(config: Experiment, state: RunState): Record<string, string | number | boolean | null> {
  const summary: Record<string, string | number | boolean | null> = {
    model: config.model.base,
    template: config.model.template,
    launcher: config.cluster.launcher,
  };
  for (const [name, s] of Object.entries(state.stages)) if (s) summary[`stage ${name}`] = s.status;
  return summary;
}
