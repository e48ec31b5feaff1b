// The checkpoint chooser a Slurm requeue runs on the node (assets/python/dianjin_hf_restart.py) picks what
// findResumePoint picks, sets aside the same incomplete checkpoints, and points the rendered YAML at the choice.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { findResumePoint } from "../../../src/tools/llamafactory/checkpoints.js";
import { HF_RESTART_SCRIPT } from "../../../src/tools/llamafactory/restart.js";
import { tempDir, writeFiles } from "../../helpers/tmp.js";

const complete = (step: number, deepspeed: boolean) => ({
  [`checkpoint-${step}/trainer_state.json`]: JSON.stringify({ global_step: step }),
  [`checkpoint-${step}/model.safetensors`]: "w",
  ...(deepspeed
    ? { [`checkpoint-${step}/latest`]: `global_step${step}`, [`checkpoint-${step}/global_step${step}/bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt`]: "o" }
    : { [`checkpoint-${step}/optimizer.pt`]: "o" }),
});

const CASES: Array<{ name: string; deepspeed: boolean; files: Record<string, string> }> = [
  { name: "half-written newest (weights only)", deepspeed: false, files: { ...complete(5, false), "checkpoint-7/model.safetensors": "partial" } },
  {
    name: "numeric order, two incomplete",
    deepspeed: false,
    files: { ...complete(9, false), ...complete(10, false), "checkpoint-100/optimizer.pt": "o", "checkpoint-11/trainer_state.json": "{" },
  },
  { name: "DeepSpeed state needed", deepspeed: true, files: { ...complete(10, true), ...complete(20, false) } },
  {
    name: "a sharded checkpoint missing a shard",
    deepspeed: false,
    files: {
      ...complete(3, false),
      "checkpoint-6/trainer_state.json": JSON.stringify({ global_step: 6 }),
      "checkpoint-6/optimizer.pt": "o",
      "checkpoint-6/model.safetensors.index.json": JSON.stringify({
        weight_map: { a: "model-00001-of-00002.safetensors", b: "model-00002-of-00002.safetensors" },
      }),
      "checkpoint-6/model-00001-of-00002.safetensors": "w",
    },
  },
  { name: "nothing complete", deepspeed: false, files: { "checkpoint-2/model.safetensors": "partial" } },
];

describe("dianjin_hf_restart.py", () => {
  for (const c of CASES) {
    it(`chooses what findResumePoint chooses: ${c.name}`, async () => {
      const dir = await tempDir();
      const out = join(dir, "output");
      const aside = join(dir, "set-aside");
      const yaml = join(dir, "train.yaml");
      await writeFiles(out, c.files);
      await writeFiles(dir, { "train.yaml": "stage: sft\nresume_from_checkpoint: /somewhere/checkpoint-1\noutput_dir: out\n" });
      const expected = await findResumePoint(out, c.deepspeed);

      const printed = execFileSync("python3", [HF_RESTART_SCRIPT, out, aside, yaml, c.deepspeed ? "1" : "0"], { encoding: "utf8" });

      const left = (await readdir(out)).filter((n) => n.startsWith("checkpoint-")).sort();
      const keptSteps = left.map((n) => Number(n.slice("checkpoint-".length))).sort((a, b) => a - b);
      const movedSteps = (await readdir(aside).catch(() => [] as string[]))
        .map((n) => Number(/^checkpoint-(\d+)\.incomplete-/.exec(n)?.[1]))
        .sort((a, b) => a - b);
      expect(movedSteps).toEqual(expected.incomplete.map((i) => i.step).sort((a, b) => a - b));
      expect(keptSteps.every((s) => !movedSteps.includes(s))).toBe(true);
      const text = await readFile(yaml, "utf8");
      expect(text).toMatch(/^stage: sft\noutput_dir: out\n/);
      if (expected.checkpoint) {
        expect(text).toContain(`resume_from_checkpoint: ${JSON.stringify(expected.checkpoint.path)}\n`);
        expect(printed).toContain(`resuming from ${expected.checkpoint.path}`);
      } else {
        expect(text).not.toContain("resume_from_checkpoint");
        expect(printed).toContain("resuming from the start");
      }
    });
  }
});
