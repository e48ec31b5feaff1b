// How big one checkpoint of a training stage is: the newest one on disk, else an estimate from the model's dimensions
// (full fine-tuning keeps bf16 weights plus fp32 master weights and two Adam moments: about 14 bytes a parameter, 16
// with gradients; 16 is used as the upper figure).
import { diskUsage } from "../util/disk.js";
import { resolveModel } from "./model-dims.js";

const BYTES_PER_PARAM_CHECKPOINT = 16;

export async function checkpointBytes(newest: string | undefined, model: string): Promise<number | undefined> {
  if (newest) {
    const bytes = await diskUsage(newest);
    if (bytes > 0) return bytes;
  }
  const params = (await resolveModel([model]))?.params;
  return params ? params * BYTES_PER_PARAM_CHECKPOINT : undefined;
}
