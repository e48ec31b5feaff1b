// The SFT stage's section of the run report: its loss curve, the same section whichever backend logged the points
// (LLaMA-Factory's trainer_log.jsonl, TRL's Trainer console lines).
import type { ReportPart } from "../../contract/stage.js";
import type { SeriesSection, SftLossPoint } from "../../report/types.js";

export function sftLossSection(points: readonly SftLossPoint[]): SeriesSection {
  return {
    kind: "series",
    id: "sft-loss",
    title: "SFT loss vs step",
    chartTitle: "SFT training loss",
    xLabel: "step",
    yLabel: "loss",
    name: "loss",
    measure: "loss",
    points: points.map((p) => ({ x: p.step, y: p.loss })),
    emptyText: "No SFT loss logged",
  };
}

/** The SFT part: the loss section and where its points came from (`from`), or why there are none (`none`). */
export function sftLossPart(points: readonly SftLossPoint[], from: string, none: string): ReportPart {
  return { sections: [sftLossSection(points)], sources: { sft: points.length ? from : none } };
}
