// What SFT hands on: the trained Hugging Face model folder.
import { outputHandle } from "../../contract/outputs.js";

export const sftOutputs = outputHandle<{ model: string }>("sft");
