// The data stage as the pipeline sees it: key inputs (config + source fingerprints), named outputs, pre-flight.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { planPipeline } from "../../../../src/pipeline/plan.js";
import { tempDir } from "../../../helpers/tmp.js";
import { mcqRecords, writeSources } from "./fixtures.js";
import { startOpenAIServer, type StandInServer } from "../../../fixtures/openai-server.js";

// Pre-flight asks every endpoint for its models: a live stand-in serving `m`.
let server: StandInServer;
beforeEach(async () => {
  server = await startOpenAIServer({ models: ["m"] });
});
afterEach(async () => {
  await server.close();
});

async function experiment(extra = ""): Promise<{ file: string; dir: string }> {
  const dir = await tempDir("data-stage-");
  await writeSources(join(dir, "src"), { cflue_mcq: mcqRecords([{ gold: "A" }, { gold: "B" }]) });
  await writeFile(join(dir, "judge.txt"), "{{question}} {{reference}} {{response}}");
  const file = join(dir, "exp.yaml");
  const ep = `{ model: m, base_url: "${server.baseUrl}" }`;
  await writeFile(
    file,
    `name: s
workdir: runs
model: { base: Qwen/Qwen2.5-7B-Instruct }
stages:
  data:
    sources: { cflue_mcq: src/cflue_mcq.json }
    endpoints: { convert: ${ep}, distill: ${ep}, judge: ${ep}, check: ${ep} }
    prompts: { judge: judge.txt }
${extra}`,
  );
  return { file, dir };
}

describe("data stage definition", () => {
  it("keys on the config and the fingerprints of sources and prompt overrides, and names its outputs", async () => {
    const { file, dir } = await experiment();
    const plan = await planPipeline(file);
    const stage = plan.stages.find((s) => s.name === "data")!;
    expect(stage.action).toBe("run");
    expect(stage.render.argv).toEqual([]);
    expect(stage.render.inputFiles).toEqual([join(dir, "src/cflue_mcq.json"), join(dir, "judge.txt")]);
    const out = join(dir, "runs/data/output");
    expect(stage.definition.outputs(stage.context)).toEqual({
      sft_dir: join(out, "sft"),
      dataset_info: join(out, "sft/dataset_info.json"),
      stats: join(out, "stats.md"),
      stats_json: join(out, "stats.json"),
      ledger: join(out, "items.jsonl"),
      complete: join(out, "complete.json"),
      rl_parquet: join(out, "rl/cflue_mcq_rl_train.parquet"),
      rl_train: join(out, "rl/cflue_mcq_rl_train.parquet"),
      rl_val: join(out, "rl/cflue_mcq_rl_val.parquet"),
      cflue_mcq_r1: join(out, "sft/cflue_mcq_r1.json"),
      cflue_oe_r1: join(out, "sft/cflue_oe_r1.json"),
    });
    expect(await stage.definition.outputsComplete(stage.context)).toBe(false);
    expect(await stage.definition.preflight(stage.context, stage.render)).toEqual([]);

    await utimes(join(dir, "src/cflue_mcq.json"), new Date(), new Date(Date.now() + 5000));
    const again = (await planPipeline(file)).stages.find((s) => s.name === "data")!;
    expect(again.key).not.toBe(stage.key);
    const seeded = (await planPipeline(file, { set: ["stages.data.seed=1"] })).stages.find((s) => s.name === "data")!;
    expect(seeded.key).not.toBe(again.key);
    // Speed settings do not decide the output, so they do not invalidate a finished build.
    const faster = (await planPipeline(file, { set: ["stages.data.concurrency=64"] })).stages.find((s) => s.name === "data")!;
    expect(faster.key).toBe(again.key);
  });

  it("the GRPO stage reads the RL files the data stage names", async () => {
    const { file, dir } = await experiment("  grpo: {}\n");
    const plan = await planPipeline(file);
    const grpo = plan.stages.find((s) => s.name === "grpo")!;
    expect(grpo.render.argv.join(" ")).toContain(join(dir, "runs/data/output/rl/cflue_mcq_rl_train.parquet"));
    expect(grpo.render.argv.join(" ")).toContain(join(dir, "runs/data/output/rl/cflue_mcq_rl_val.parquet"));
  });

  it("pre-flight names a source whose first record does not parse, and a broken prompt override", async () => {
    const { file, dir } = await experiment();
    await writeFile(join(dir, "src/cflue_mcq.json"), '[{"名称": "x", "task": "单项选择题"}]');
    await writeFile(join(dir, "judge.txt"), "{{question}}");
    const stage = (await planPipeline(file)).stages.find((s) => s.name === "data")!;
    const problems = await stage.definition.preflight(stage.context, stage.render);
    expect(problems).toEqual([
      { path: "stages.data.sources.cflue_mcq", message: expect.stringMatching(/cflue_mcq\.json: 1 problem\n {2}- record 0 \(line 1\) field choices: missing/) },
      { path: "stages.data.prompts", message: expect.stringMatching(/judge\.txt: the template lacks the \{\{reference\}\} placeholder/) },
      { path: "stages.data.prompts", message: expect.stringMatching(/judge\.txt: the template lacks the \{\{response\}\} placeholder/) },
    ]);
  });
});
