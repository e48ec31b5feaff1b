// What a Slurm requeue runs before LLaMA-Factory starts again: the checkpoint chooser (assets/python/
// dianjin_hf_restart.py), placed in the stage's rendered folder on the shared workdir so compute nodes can read it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { distPath } from "../../util/dist-path.js";

export const HF_RESTART_SCRIPT = distPath("assets/python/dianjin_hf_restart.py");

export interface HfRestart {
  /** Written with the stage's other rendered files. */
  file: { path: string; content: string };
  argv: string[];
}

export function hfRestart(input: {
  python: string;
  renderedDir: string;
  outputDir: string;
  asideDir: string;
  trainYaml: string;
  deepspeed: boolean;
}): HfRestart {
  const path = join(input.renderedDir, "restart.py");
  return {
    file: { path, content: readFileSync(HF_RESTART_SCRIPT, "utf8") },
    argv: [input.python, path, input.outputDir, input.asideDir, input.trainYaml, input.deepspeed ? "1" : "0"],
  };
}
