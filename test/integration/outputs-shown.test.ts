// "Where is my model?": the end of `run` / a stage command and `status` name the folder SFT wrote its model to.
import { describe, expect, it } from "vitest";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { cli, makeExperiment } from "../helpers/cli.js";

describe("outputs are shown", () => {
  it("run, the stage command and status name the model folder, which holds the trained model", async () => {
    const exp = await makeExperiment({ records: 4 });
    const run = await cli(["run", exp.file]);
    expect(run.exitCode, run.all).toBe(0);
    const model = /^ {2}sft {5}model (\S+)$/m.exec(run.stderr)?.[1];
    expect(model, run.stderr).toBeDefined();
    expect(run.stderr).toMatch(/^done: sft completed\n {2}sft {5}model \S+$/m);
    // The stand-in writes the final weights where LLaMA-Factory does: the output_dir itself.
    await access(join(model!, "model.safetensors"));

    const again = await cli(["sft", exp.file]);
    expect(again.stderr).toContain(`done: sft skipped\n  sft     model ${model}`);

    const status = await cli(["status", exp.file]);
    expect(status.stdout).toMatch(new RegExp(`sft\\s+completed in \\d+s, attempt 1, key [0-9a-f]{16}\\n {10}model ${model}$`, "m"));
    const json = JSON.parse((await cli(["status", exp.file, "--json"])).stdout) as { stages: Record<string, { output?: unknown }> };
    expect(json.stages.sft!.output).toEqual({ what: "model", where: model });
  });
});
