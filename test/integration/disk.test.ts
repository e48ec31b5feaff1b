// Bounded disk through the CLI: set-aside folders kept up to keep_set_aside, `gc`, and merge's free-space pre-flight.
import { describe, expect, it } from "vitest";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeFakeCheckpoint, MERGER_STANDIN } from "../fixtures/merge/make-checkpoint.js";
import { cli, makeExperiment } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("bounded disk", () => {
  it("keeps keep_set_aside set-aside folders per stage, says what it removed, and gc lists then removes the rest", async () => {
    const exp = await makeExperiment({ top: "keep_set_aside: 2" });
    for (const lr of ["1.0e-5", "2.0e-5", "3.0e-5"]) {
      const r = await cli(["run", exp.file, "--set", `stages.sft.args.learning_rate=${lr}`]);
      expect(r.exitCode, r.all).toBe(0);
    }
    const aside = join(exp.workdir, "sft/set-aside");
    expect((await readdir(aside)).filter((n) => n.startsWith("output.superseded"))).toHaveLength(2);
    const fourth = await cli(["run", exp.file, "--set", "stages.sft.args.learning_rate=4.0e-5"]);
    expect(fourth.exitCode, fourth.all).toBe(0);
    expect(fourth.stderr).toMatch(/removed set-aside .*output\.superseded-\S+ \(\d+(\.\d)? (B|KiB|MiB); keep_set_aside: 2\)/);
    expect(await readdir(aside)).toHaveLength(2);

    const dry = await cli(["gc", exp.file, "--dry-run", "--set", "stages.sft.args.learning_rate=4.0e-5"]);
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.stdout.match(/would remove set-aside of sft: .* \(\d/g)).toHaveLength(2);
    expect(dry.stdout).toMatch(/would free \d+(\.\d)? (B|KiB|MiB) in 2 folder\(s\)/);
    expect(await readdir(aside)).toHaveLength(2);

    const gc = await cli(["gc", exp.file, "--set", "stages.sft.args.learning_rate=4.0e-5"]);
    expect(gc.exitCode, gc.all).toBe(0);
    expect(gc.stdout).toMatch(/freed .* in 2 folder\(s\)/);
    expect(await readdir(aside)).toEqual([]);
    // The stage's own output is untouched: the next run skips.
    const again = await cli(["run", exp.file, "--set", "stages.sft.args.learning_rate=4.0e-5"]);
    expect(again.stderr).toMatch(/skipped — up to date/);
  });

  it("merge refuses in pre-flight (exit 3) when the merged model cannot fit on the disk", async () => {
    const dir = await tempDir("dianjin-disk-");
    const checkpoints = makeFakeCheckpoint({ steps: [10] });
    // A config whose model is far larger than any disk: ~10^15 parameters.
    const config = join(checkpoints, "global_step_10/actor/huggingface/config.json");
    const c = JSON.parse(await readFile(config, "utf8"));
    await writeFile(config, JSON.stringify({ ...c, hidden_size: 65536, intermediate_size: 262144, num_hidden_layers: 20000 }));
    const file = join(dir, "exp.yaml");
    await writeFile(
      file,
      `name: disk
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
tools:
  verl_merger: { command: [${JSON.stringify(MERGER_STANDIN)}] }
stages:
  merge: { checkpoint_dir: ${JSON.stringify(checkpoints)} }
`,
    );
    const r = await cli(["merge", file]);
    expect(r.exitCode, r.all).toBe(3);
    expect(r.stderr).toMatch(/not enough free disk for the merged model: it needs about [\d.]+ [TP]iB/);
    expect(r.stderr).toMatch(/dianjin-train gc/);
  });
});
