// What GRPO hands on: verl's checkpoint folder (global_step_N/actor, one per saved step).
import { outputHandle } from "../../contract/outputs.js";

export const grpoOutputs = outputHandle<{ checkpoints: string }>("grpo");
