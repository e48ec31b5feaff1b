// SFT's part of the run report: the loss curve from LLaMA-Factory's trainer_log.jsonl (a replayed step replaces the
// earlier one).
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { ReportPart, ReportSource } from "../../contract/stage.js";
import type { SftLossPoint } from "../../report/types.js";
import { TrainerLogReader } from "../../tools/llamafactory/progress.js";
import { LossCurve } from "../../tools/hf-trainer/progress.js";

async function readSftLoss(file: string): Promise<SftLossPoint[]> {
  if (!(await stat(file).catch(() => undefined))?.isFile()) return [];
  const curve = new LossCurve();
  await new TrainerLogReader(file).pollAll((e) => curve.add(e));
  return curve.steps.map((step, i) => ({ step, loss: curve.losses[i]! }));
}

export async function sftReport({ paths }: ReportSource): Promise<ReportPart> {
  const trainerLog = join(paths.output, "trainer_log.jsonl");
  const sftLoss = await readSftLoss(trainerLog);
  return { sftLoss, sources: { sft: sftLoss.length ? trainerLog : `no SFT loss (${trainerLog} missing or empty)` } };
}
