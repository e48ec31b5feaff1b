// Small data for the shipped recipes (configs/dianjin-r1-*.yaml read $DIANJIN_DATA and $DIANJIN_BENCH): the four SFT
// files, the RL source and the three financial benchmarks, so that a whole-pipeline pre-flight of the recipe passes.
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir, writeFiles } from "./tmp.js";

const EVAL_FIXTURES = fileURLToPath(new URL("../fixtures/eval/", import.meta.url));

export async function recipeDataEnv(): Promise<{ DIANJIN_DATA: string; DIANJIN_BENCH: string }> {
  const dir = await tempDir("dianjin-recipe-data-");
  const sft = JSON.stringify(
    Array.from({ length: 4 }, (_, i) => ({ instruction: `问题 ${i}`, input: "", output: `<think>\n推理 ${i}\n</think>\n\n<answer>\\boxed{${i}}</answer>` })),
  );
  await writeFiles(dir, { "data/cflue_oe_r1.json": sft, "data/cflue_mcq_r1.json": sft, "data/fin_qa_r1.json": sft, "data/ccc_r1.json": sft });
  await copyFile(join(EVAL_FIXTURES, "cflue.json"), join(dir, "data/cflue_mcq_rl.json"));
  await writeFiles(dir, { "bench/.keep": "" });
  await copyFile(join(EVAL_FIXTURES, "cflue.json"), join(dir, "bench/cflue_test.json"));
  await copyFile(join(EVAL_FIXTURES, "finqa.json"), join(dir, "bench/finqa_test.json"));
  await copyFile(join(EVAL_FIXTURES, "ccc.jsonl"), join(dir, "bench/ccc_test.jsonl"));
  return { DIANJIN_DATA: join(dir, "data"), DIANJIN_BENCH: join(dir, "bench") };
}

/** CFLUE multiple-choice items as the RL source reads them (the `choices` field is a Python dict literal). */
export function cflueMcqItems(count: number): Array<Record<string, string>> {
  const options = ["A", "B", "C", "D"];
  return Array.from({ length: count }, (_, i) => ({
    名称: "证券从业资格",
    task: "单项选择题",
    question: `虚构题目 ${i}：下列哪一项正确？`,
    choices: `{${options.map((o, j) => `'${o}': '选项${o}${i}${j}'`).join(", ")}}`,
    answer: options[i % 4]!,
    analysis: "示例解析。",
  }));
}
