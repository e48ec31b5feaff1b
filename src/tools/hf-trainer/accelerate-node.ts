// Several nodes under `accelerate launch` (TRL): the per-node wrapper (assets/python/dianjin_accelerate_node.py) that
// adds this node's machine rank and the head's address as accelerate flags, placed in the stage's rendered folder on
// the shared workdir so every node can read it. The argv stays a list: no shell string is built from a value.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { distPath } from "../../util/dist-path.js";

export const ACCELERATE_NODE_SCRIPT = distPath("assets/python/dianjin_accelerate_node.py");

export interface AccelerateNode {
  file: { path: string; content: string };
  /** Put before the tool's own argv. */
  prefix: string[];
}

export function accelerateNode(python: string, renderedDir: string): AccelerateNode {
  const path = join(renderedDir, "accelerate_node.py");
  return { file: { path, content: readFileSync(ACCELERATE_NODE_SCRIPT, "utf8") }, prefix: [python, path] };
}
