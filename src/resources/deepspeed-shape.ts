// What a DeepSpeed JSON asks for, as far as memory goes: the ZeRO stage and what it offloads. Presets are read from
// the very JSON the SFT stage renders, so the estimate and the run cannot disagree.
import { readFile } from "node:fs/promises";
import { deepspeedConfig, type DeepSpeedChoice } from "../tools/hf-trainer/deepspeed.js";

export interface ZeroShape {
  /** 0 = no DeepSpeed (or stage 0/1, estimated as replicated states). */
  stage: 0 | 1 | 2 | 3;
  offloadOptimizer: boolean;
  offloadParams: boolean;
}

const onCpu = (block: unknown) => !!block && typeof block === "object" && ["cpu", "nvme"].includes(String((block as Record<string, unknown>).device));

export function zeroShape(json: unknown): ZeroShape {
  const zero = (json as { zero_optimization?: Record<string, unknown> } | undefined)?.zero_optimization ?? {};
  const stage = Number(zero.stage ?? 0);
  return {
    stage: stage === 3 ? 3 : stage === 2 ? 2 : stage === 1 ? 1 : 0,
    offloadOptimizer: onCpu(zero.offload_optimizer),
    offloadParams: stage === 3 && onCpu(zero.offload_param),
  };
}

/** The shape of a DeepSpeed choice (preset or JSON); a custom file that cannot be read yet counts as ZeRO-3 (pre-flight reports it). */
export async function sftZeroShape(deepspeed: DeepSpeedChoice): Promise<ZeroShape> {
  if (deepspeed === "none") return { stage: 0, offloadOptimizer: false, offloadParams: false };
  if (typeof deepspeed === "string") return zeroShape(deepspeedConfig(deepspeed));
  const text = await readFile(deepspeed.path, "utf8").catch(() => undefined);
  try {
    return text ? zeroShape(JSON.parse(text)) : { stage: 3, offloadOptimizer: false, offloadParams: false };
  } catch {
    return { stage: 3, offloadOptimizer: false, offloadParams: false };
  }
}
