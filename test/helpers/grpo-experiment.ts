// An experiment with SFT and GRPO for the stand-in verl (CFLUE items as RL data), for tests that run both stages.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeExperiment, STANDIN_BIN, type Experiment } from "./cli.js";
import { cflueMcqItems } from "./recipe-data.js";

export const VERL_STANDIN = join(STANDIN_BIN, "verl-standin");

export interface GrpoExperimentOptions {
  cluster?: string;
  deepspeed?: string;
  /** CFLUE items: 90 → 81 train rows, which verl plans as 10 steps of batch 8 per epoch. */
  items: number;
  totalEpochs: number;
  saveFreq: number;
  /** More entries under `tools:` (one line each, e.g. `llamafactory: { command: [...] }`). */
  tools?: string[];
  /** More top-level lines (`variants:` ...). */
  top?: string;
}

export async function grpoExperiment(options: GrpoExperimentOptions): Promise<Experiment> {
  const exp = await makeExperiment({
    cluster: options.cluster ?? "{ gpus_per_node: 2 }",
    ...(options.deepspeed ? { deepspeed: options.deepspeed } : {}),
    top: [
      "tools:",
      `  verl: { command: [${JSON.stringify(VERL_STANDIN)}], version: "0.7.0" }`,
      ...(options.tools ?? []).map((line) => `  ${line}`),
      ...(options.top ? [options.top] : []),
    ].join("\n"),
    sft: `  grpo:
    rl_data: { cflue_mcq: data/cflue_mcq.json, seed: 7, val_fraction: 0.1 }
    data: { train_batch_size: 8, max_prompt_length: 1024 }
    actor: { ppo_mini_batch_size: 4, ppo_micro_batch_size_per_gpu: 1 }
    rollout: { n: 2, tensor_model_parallel_size: 1 }
    trainer: { total_epochs: ${options.totalEpochs}, save_freq: ${options.saveFreq}, test_freq: -1 }
`,
  });
  await writeFile(join(exp.dir, "data/cflue_mcq.json"), JSON.stringify(cflueMcqItems(options.items)));
  return exp;
}
