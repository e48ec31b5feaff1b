// Every path the experiment names for reading must be a regular file (or a folder where one is allowed): a device,
// FIFO or socket there (/dev/zero as a dataset) would be read without end. Small text files we read whole (prompt
// templates, DeepSpeed JSON, reward code) must also be of sane size. Missing paths are pre-flight's to report.
import { stat } from "node:fs/promises";
import type { Problem } from "../errors.js";
import { fileKind, sizeText } from "../util/bounded-read.js";
import { LIMITS } from "../util/limits.js";
import { isPlainObject } from "./merge.js";
import { matches, PATH_FIELDS } from "./paths.js";

/** Path fields read whole into memory as text. */
const TEXT_FIELDS = [
  "stages.data.prompts.*",
  "stages.data.rl_prompt",
  "stages.grpo.rl_data.prompt_template",
  "stages.grpo.reward.path",
  "stages.sft.deepspeed.path",
];

function pathValues(tree: unknown, path: string[] = [], out: Array<{ path: string[]; value: string }> = []) {
  if (typeof tree === "string" && PATH_FIELDS.some((p) => matches(p, path))) out.push({ path, value: tree });
  else if (isPlainObject(tree)) for (const [k, v] of Object.entries(tree)) pathValues(v, [...path, k], out);
  return out;
}

export async function pathFileProblems(config: unknown): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const { path, value } of pathValues(config)) {
    if (path.join(".") === "workdir") continue;
    const info = await stat(value).catch(() => undefined);
    if (!info || info.isFile() || info.isDirectory()) {
      if (info?.isFile() && info.size > LIMITS.textFileBytes && TEXT_FIELDS.some((p) => matches(p, path)))
        problems.push({
          path: path.join("."),
          message: `${value} is ${sizeText(info.size)}; a file read whole must be at most ${sizeText(LIMITS.textFileBytes)}`,
        });
      continue;
    }
    problems.push({ path: path.join("."), message: `${value} is ${fileKind(info)}, not a regular file` });
  }
  return problems;
}
