// Checks a serve plan against the model's config.json before a GPU is touched: the same rules vLLM
// applies minutes later, after loading.

import { join } from "node:path";
import type { Problem } from "../../errors.js";
import { fsExtra } from "../../util/fsx.js";

export interface ServeShape {
  model: string;
  tensorParallelSize?: number;
  maxModelLen?: number;
  /** Dotted config path problems name keys under (e.g. "stages.deploy"). */
  configKey: string;
}

export async function serveConfigProblems(shape: ServeShape): Promise<Problem[]> {
  const key = shape.configKey;
  let config: Record<string, unknown>;
  try {
    config = await (await fsExtra()).readJson(join(shape.model, "config.json"));
  } catch {
    return [{ path: `${key}.model`, message: `${join(shape.model, "config.json")} is missing or not JSON` }];
  }
  const problems: Problem[] = [];
  const tp = shape.tensorParallelSize ?? 1;
  const heads = config.num_attention_heads;
  if (typeof heads === "number" && heads % tp !== 0) {
    problems.push({ path: `${key}.tensor_parallel_size`, message: `${tp} does not divide the model's ${heads} attention heads` });
  }
  const kv = config.num_key_value_heads;
  // vLLM replicates K/V heads when TP exceeds them, which needs TP to be a multiple of the KV head count.
  if (typeof kv === "number" && (kv >= tp ? kv % tp !== 0 : tp % kv !== 0)) {
    problems.push({ path: `${key}.tensor_parallel_size`, message: `${tp} does not fit the model's ${kv} key/value heads` });
  }
  const limit = config.max_position_embeddings;
  if (shape.maxModelLen !== undefined && typeof limit === "number" && shape.maxModelLen > limit && !config.rope_scaling) {
    problems.push({ path: `${key}.max_model_len`, message: `${shape.maxModelLen} exceeds the model's max_position_embeddings ${limit}` });
  }
  return problems;
}
