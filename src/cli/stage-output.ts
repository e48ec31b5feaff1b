// What a user looks for once a stage is done — the SFT data, the model folder, GRPO's checkpoints, the merged model,
// the served address, the scores file — read from what the stage recorded through its typed output handle (never a
// path built here from a stage's name).
import type { OutputHandle, StageOutputs } from "../contract/outputs.js";
import { dataStageOutputs } from "../stages/data/outputs.js";
import { sftOutputs } from "../stages/sft/outputs.js";
import { grpoOutputs } from "../stages/grpo/outputs.js";
import { mergeOutputs } from "../stages/merge/outputs.js";
import { deployOutputs } from "../stages/deploy/outputs.js";
import { evalOutputs } from "../stages/eval/outputs.js";

/** A stage's main output: what it is, where (a path or addresses), and anything worth saying beside it. */
export interface StageOutput {
  what: string;
  where: string;
  note?: string;
}

interface Shown {
  /** The statuses whose outputs are there to use (a stopped server's address is not). */
  statuses: readonly string[];
  of(outputs: StageOutputs): StageOutput | undefined;
}

const MADE = ["completed", "skipped"] as const;

function shown<T extends StageOutputs>(handle: OutputHandle<T>, of: (o: Partial<T>) => StageOutput | "" | undefined, statuses: readonly string[] = MADE) {
  return [handle.stage, { statuses, of: (outputs: StageOutputs) => of(outputs as Partial<T>) || undefined }] as const;
}

const SHOWN = new Map<string, Shown>([
  shown(dataStageOutputs, (o) => o.sft_dir && { what: "SFT data", where: o.sft_dir, note: o.rl_parquet ? `RL data ${o.rl_parquet}` : undefined }),
  shown(sftOutputs, (o) => o.model && { what: "model", where: o.model }),
  shown(grpoOutputs, (o) => o.checkpoints && { what: "checkpoints", where: o.checkpoints }),
  shown(mergeOutputs, (o) => o.model && { what: "merged model", where: o.model }),
  shown(
    deployOutputs,
    (o) => (o.baseUrls ?? o.baseUrl) && { what: "serving at", where: (o.baseUrls ?? o.baseUrl)!, note: o.model ? `model ${o.model}` : undefined },
    ["serving"],
  ),
  shown(evalOutputs, (o) => o.scores && { what: "scores", where: o.scores }),
]);

/** The stages whose main output is named (every stage of the registry; a test keeps them in step). */
export const STAGES_WITH_OUTPUT: readonly string[] = [...SHOWN.keys()];

/** The main output of a stage that made it (status completed or skipped), or of a server that serves. */
export function stageOutput(stage: string, status: string, outputs: StageOutputs | undefined): StageOutput | undefined {
  const entry = SHOWN.get(stage);
  if (!entry || !outputs || !entry.statuses.includes(status)) return undefined;
  return entry.of(outputs);
}

/** `model /…/runs/sft/output`, `serving at http://… (model m)`. */
export function stageOutputLine(stage: string, status: string, outputs: StageOutputs | undefined): string | undefined {
  const output = stageOutput(stage, status, outputs);
  return output && `${output.what} ${output.where}${output.note ? ` (${output.note})` : ""}`;
}
