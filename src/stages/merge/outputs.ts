// What merge hands on: the verified Hugging Face model folder.
import { outputHandle } from "../../contract/outputs.js";

export const mergeOutputs = outputHandle<{ model: string }>("merge");
