// One unit for every memory figure: GiB (2^30 bytes), the unit nvidia-smi, PyTorch's OOM message and DeepSpeed's
// estimator print (all of them label it "GB"). Capacities in the GPU table are in the same unit.
import { GIB } from "../util/bytes.js";

export { GIB };

export function toGb(bytes: number): number {
  return Math.round((bytes / GIB) * 100) / 100;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
