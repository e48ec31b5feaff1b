// Worker thread of the statistics pool: token counts of one chunk of records at a time.
import { parentPort } from "node:worker_threads";
import { rlPartial, sftPartial, type RlRowText, type SftRecordText } from "../../../data/stats.js";

export interface StatsJob {
  id: number;
  kind: "sft" | "rl";
  items: SftRecordText[] | RlRowText[];
}

parentPort?.on("message", (job: StatsJob) => {
  const partial = job.kind === "sft" ? sftPartial(job.items as SftRecordText[]) : rlPartial(job.items as RlRowText[]);
  parentPort!.postMessage({ id: job.id, partial });
});
