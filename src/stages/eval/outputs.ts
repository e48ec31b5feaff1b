// What evaluation hands on: the scores and the per-item results.
import { outputHandle } from "../../contract/outputs.js";

export const evalOutputs = outputHandle<{ scores: string; results: string }>("eval");
