// How big one checkpoint of a training stage is: the newest one on disk, else an estimate from the model's config.json
// (full fine-tuning keeps bf16 weights plus fp32 master weights and two Adam moments: about 14 bytes a parameter, 16
// with gradients; 16 is used as the upper figure).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { diskUsage } from "../pipeline/disk.js";
import { isQwen2Config, qwen2ParamCount, type Qwen2Config } from "../tools/merge/qwen2-params.js";

const BYTES_PER_PARAM_CHECKPOINT = 16;

/** Parameters of a local model folder with a Qwen2-style config.json; undefined for hub ids or other models. */
export async function localModelParams(modelDir: string): Promise<number | undefined> {
  try {
    const config = JSON.parse(await readFile(join(modelDir, "config.json"), "utf8")) as Record<string, unknown>;
    return isQwen2Config(config) ? qwen2ParamCount(config as unknown as Qwen2Config) : undefined;
  } catch {
    return undefined;
  }
}

export async function checkpointBytes(newest: string | undefined, modelDir: string): Promise<number | undefined> {
  if (newest) {
    const bytes = await diskUsage(newest);
    if (bytes > 0) return bytes;
  }
  const params = await localModelParams(modelDir);
  return params ? params * BYTES_PER_PARAM_CHECKPOINT : undefined;
}
