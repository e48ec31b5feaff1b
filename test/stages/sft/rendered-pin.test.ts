// The LLaMA-Factory backend renders exactly what main rendered before the SFT stage delegated to backend objects:
// the files `plan --out` writes and the argv/env `plan --json` prints, for every shipped config. The expected files
// (test/fixtures/rendered-sft/) were made with main's CLI, not with this code. The Slurm batch script is not pinned
// (the launcher owns it), nor restart.py (our own requeue step).
import { describe, expect, it } from "vitest";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { cli, ROOT } from "../../helpers/cli.js";
import { tempDir } from "../../helpers/tmp.js";

const FIXTURES = join(ROOT, "test/fixtures/rendered-sft");
const CONFIGS = ["quickstart", "dianjin-r1-7b", "dianjin-r1-7b-slurm", "dianjin-r1-32b"];
const repoRelative = (text: string) => text.replaceAll(ROOT.replace(/\/$/, ""), "<repo>");

describe("the recipe's SFT files are byte-identical to main's", () => {
  for (const config of CONFIGS) {
    it(config, async () => {
      const out = await tempDir("dianjin-pin-");
      const file = join(ROOT, "configs", `${config}.yaml`);
      await cli(["plan", file, "--out", out], { standins: false });
      const expectedDir = join(FIXTURES, config);
      const expected = (await readdir(expectedDir)).filter((f) => f !== "plan.json").sort();
      // restart.py is dianjin-train's own requeue step (test/tools/hf-trainer/hf-restart.test.ts), not LLaMA-Factory's input.
      const rendered = (await readdir(join(out, "sft"))).filter((f) => !f.endsWith(".sbatch") && f !== "restart.py").sort();
      expect(rendered).toEqual(expected);
      for (const name of expected) {
        expect(repoRelative(await readFile(join(out, "sft", name), "utf8")), name).toBe(await readFile(join(expectedDir, name), "utf8"));
      }
      const plan = JSON.parse((await cli(["plan", file, "--json"], { standins: false })).stdout) as { stages: Array<Record<string, unknown>> };
      const sft = plan.stages.find((s) => s.name === "sft")!;
      const pinned = JSON.parse(await readFile(join(expectedDir, "plan.json"), "utf8")) as Record<string, unknown>;
      expect(JSON.parse(repoRelative(JSON.stringify({ command: sft.command, env: sft.env, files: sft.files })))).toEqual(pinned);
    });
  }
});
