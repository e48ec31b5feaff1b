// GRPO's RL data: the Parquet pair it is given (its own rl_data, or what the data stage built), or built here right
// before launch from a CFLUE file, with every input row accounted for.
import { join } from "node:path";
import type { StageContext } from "../../contract/stage.js";
import type { PipelineEvent } from "../../contract/events.js";
import type { GrpoStageConfig } from "./config.js";
import { dataStageOutputs } from "../data/outputs.js";

export interface RlFiles {
  train: string;
  val: string;
  /** Set when the Parquet is built here from a CFLUE file. */
  build?: { cflue: string; seed: number; valFraction: number; template?: string };
}

export function rlFiles(ctx: StageContext<GrpoStageConfig>): RlFiles | undefined {
  const data = ctx.stage.rl_data;
  if (data && "train" in data) return { train: data.train, val: data.val };
  if (data) {
    return {
      train: join(ctx.paths.rendered, "train.parquet"),
      val: join(ctx.paths.rendered, "val.parquet"),
      build: { cflue: data.cflue_mcq, seed: data.seed, valFraction: data.val_fraction, template: data.prompt_template },
    };
  }
  const upstream = dataStageOutputs.of(ctx);
  if (upstream?.rl_train && upstream.rl_val) return { train: upstream.rl_train, val: upstream.rl_val };
  return undefined;
}

/** Writes the train/val Parquet from the CFLUE file, dropping prompts over max_prompt_length (exact Qwen2.5 count). */
export async function buildRlParquet(
  ctx: StageContext<GrpoStageConfig>,
  files: RlFiles,
  emit: (e: PipelineEvent) => void,
): Promise<{ train: number; val: number; dropped: number }> {
  const build = files.build!;
  const { readCflueMcq } = await import("../../data/sources/index.js");
  const { cflueItemToRlRow, assignSplit, cflueSplitKey, loadPromptTemplate } = await import("../../data/rl-rows.js");
  const { countChatTokens } = await import("../../data/tokens.js");
  const { writeRlParquet } = await import("../../data/parquet.js");
  const template = loadPromptTemplate(build.template);
  const limit = ctx.stage.data.max_prompt_length;
  const counts = { train: 0, val: 0, dropped: 0 };
  // Every input is accounted for: input = train + val + dropped (too long) + unusable (no question or answer).
  const seen = { train: 0, val: 0 };
  const unusable = { train: 0, val: 0 };
  // One streaming pass per split: memory does not grow with the number of rows.
  async function* rows(split: "train" | "val") {
    let index = 0;
    for await (const item of readCflueMcq(build.cflue)) {
      if (assignSplit(cflueSplitKey(item), build.seed, build.valFraction) !== split) continue;
      seen[split]++;
      const row = cflueItemToRlRow(item, { split, index }, { template });
      if (!row) {
        unusable[split]++;
        continue;
      }
      if (countChatTokens(row.prompt) > limit) {
        counts.dropped++;
        continue;
      }
      index++;
      counts[split]++;
      yield row;
    }
  }
  await writeRlParquet(files.train, rows("train"));
  await writeRlParquet(files.val, rows("val"));
  const skipped = unusable.train + unusable.val;
  const message =
    `RL data from ${seen.train + seen.val} items: ${counts.train} train + ${counts.val} val rows, ` +
    `${counts.dropped} dropped as longer than ${limit} prompt tokens` +
    (skipped ? `, ${skipped} skipped (no usable question or answer)` : "");
  emit({ type: "log", stage: "grpo", level: "info", message });
  return counts;
}
