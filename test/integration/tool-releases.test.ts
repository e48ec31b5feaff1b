// The release a user states (or the probe finds) decides what plan/run check and render: the 7B recipe for every
// listed release against that release's committed inventory, refusals through the real CLI, and a failed probe.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { planPipeline } from "../../src/pipeline/plan.js";
import { cli, makeExperiment, ROOT, STANDIN_BIN } from "../helpers/cli.js";
import { recipeDataEnv } from "../helpers/recipe-data.js";
import { TINY_QWEN2_DIR } from "../fixtures/merge/make-checkpoint.js";

const RECIPE = join(ROOT, "configs/dianjin-r1-7b.yaml");
const json = (path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8")) as Record<string, any>;
const verlIndex = json("src/tools/verl/releases/index.json") as { releases: Array<{ release: string; modelMerger: boolean }> };
const lfIndex = json("src/tools/llamafactory/releases/index.json") as { releases: Array<{ release: string }> };

describe("the 7B recipe for every listed release", () => {
  it.each(verlIndex.releases.map((r) => r.release))("verl %s: every override is in its tree, logger and merger as it has them", async (release) => {
    const raw = json(`src/tools/verl/releases/v${release}.json`) as {
      keys: Record<string, { type: string; dataclass?: boolean }>;
      trackingBackends: string[];
      modelMerger: boolean;
    };
    const plan = await planPipeline(RECIPE, { set: [`tools.verl.version=${release}`], contract: true });
    const grpo = plan.stages.find((s) => s.name === "grpo")!;
    expect(grpo.render.warnings ?? []).toEqual([]);
    const overrides = grpo.render.argv.slice(3);
    for (const arg of overrides) {
      const key = arg.slice(0, arg.indexOf("="));
      expect(Object.hasOwn(raw.keys, key), `${key} is not in verl ${release}'s config`).toBe(true);
    }
    const logger = overrides
      .find((a) => a.startsWith("trainer.logger="))!
      .slice("trainer.logger=".length)
      .replace(/^\[|\]$/g, "")
      .split(",");
    for (const backend of logger) expect(raw.trackingBackends).toContain(backend);
    expect(logger.includes("file")).toBe(raw.trackingBackends.includes("file"));
    expect(grpo.render.env.VERL_FILE_LOGGER_PATH !== undefined).toBe(raw.trackingBackends.includes("file"));

    const merge = plan.stages.find((s) => s.name === "merge")!;
    expect(merge.render.warnings ?? []).toEqual([]);
    expect(merge.render.argv.join(" ")).toContain(raw.modelMerger ? "-m verl.model_merger merge" : "merge_fsdp_seed.py");
  });

  it.each(lfIndex.releases.map((r) => r.release))("LLaMA-Factory %s: every key of train.yaml is one it accepts", async (release) => {
    const own = (json(`src/tools/llamafactory/releases/v${release}.json`) as { keys: Record<string, unknown> }).keys;
    const inherited = (json("src/tools/hf-trainer/training-args.json") as { keys: Record<string, unknown> }).keys;
    const plan = await planPipeline(RECIPE, { set: [`tools.llamafactory.version=${release}`], only: ["sft"], contract: true });
    const sft = plan.stages.find((s) => s.name === "sft")!;
    expect(sft.render.warnings ?? []).toEqual([]);
    const train = parse(sft.render.files.train!.content) as Record<string, unknown>;
    expect(Object.keys(train).length).toBeGreaterThan(20);
    for (const key of Object.keys(train)) expect(Object.hasOwn(own, key) || Object.hasOwn(inherited, key), `${key} in LLaMA-Factory ${release}`).toBe(true);
  });
});

describe("plan refuses what the stated release would refuse (exit 3, key and release named)", () => {
  it("verl 0.3.0.post1 and actor.clip_ratio_high", async () => {
    const bad = await cli(
      ["plan", RECIPE, "--set", "tools.verl.version=0.3.0.post1", "--set", "stages.grpo.overrides.actor_rollout_ref.actor.clip_ratio_high=0.28"],
      { env: await recipeDataEnv() },
    );
    expect(bad.exitCode, bad.all).toBe(3);
    expect(bad.stderr).toMatch(/stages\.grpo\.overrides\.actor_rollout_ref\.actor\.clip_ratio_high/);
    expect(bad.stderr).toMatch(/verl 0\.3\.0\.post1's trainer config — it was added in 0\.4\.0/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const fine = await cli(
      ["plan", RECIPE, "--set", "tools.verl.version=0.4.0", "--set", "stages.grpo.overrides.actor_rollout_ref.actor.clip_ratio_high=0.28"],
      { env: await recipeDataEnv() },
    );
    expect(fine.exitCode, fine.all).toBe(0);
  });

  it("LLaMA-Factory 0.9.1 and enable_thinking", async () => {
    const bad = await cli(["plan", RECIPE, "--set", "tools.llamafactory.version=0.9.1", "--set", "stages.sft.args.enable_thinking=true"], {
      env: await recipeDataEnv(),
    });
    expect(bad.exitCode, bad.all).toBe(3);
    expect(bad.stderr).toMatch(/stages\.sft\.args\.enable_thinking: not a key of LLaMA-Factory 0\.9\.1: enable_thinking was added in 0\.9\.3/);
  });

  it("merger: current with verl 0.4.0 (the module arrived in 0.4.1)", async () => {
    const bad = await cli(["plan", RECIPE, "--set", "tools.verl.version=0.4.0", "--set", "stages.merge.merger=current"], { env: await recipeDataEnv() });
    expect(bad.exitCode, bad.all).toBe(3);
    expect(bad.stderr).toMatch(/stages\.merge\.merger: python -m verl\.model_merger was added in verl 0\.4\.1; verl 0\.4\.0 has none/);
  });

  it("an unknown version is a visible warning in plan, not a failure", async () => {
    const plan = await cli(["plan", RECIPE], { env: await recipeDataEnv() });
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.stdout).toMatch(/warning: the verl version is not known: it is not stated and was not probed yet/);
    expect(plan.stdout).toMatch(/warning: the LLaMA-Factory version is not known/);
  });
});

describe("a failed version probe at launch", () => {
  it("warns, and the choices that differ between verl releases fail pre-flight asking for the version", async () => {
    const exp = await makeExperiment({
      cluster: "{ gpus_per_node: 2 }",
      // A python that cannot answer `import verl`: the probe fails.
      top: `tools:\n  verl: { command: [${JSON.stringify(join(STANDIN_BIN, "verl-standin"))}] }\n  python: { command: [/bin/false] }`,
      // Everything else is in place (a local model, readable RL data), so only the version question remains.
      sft: `  grpo:
    model: ${JSON.stringify(TINY_QWEN2_DIR)}
    rl_data: { cflue_mcq: data/cflue_mcq.json }
    data: { train_batch_size: 8 }
    actor: { ppo_mini_batch_size: 4, ppo_micro_batch_size_per_gpu: 1 }
    rollout: { n: 2, tensor_model_parallel_size: 1 }
`,
    });
    const mcq = Array.from({ length: 64 }, (_, i) => ({
      名称: "证券从业资格",
      task: "单项选择题",
      question: `虚构题目 ${i}？`,
      choices: "{'A': '甲', 'B': '乙', 'C': '丙', 'D': '丁'}",
      answer: "ABCD"[i % 4],
      analysis: "",
    }));
    await writeFile(join(exp.dir, "data/cflue_mcq.json"), JSON.stringify(mcq));
    const run = await cli(["grpo", exp.file]);
    expect(run.exitCode, run.all).toBe(3);
    expect(run.all).toMatch(/the verl version is not known: asking the installed tool failed/);
    expect(run.stderr).toMatch(
      /stages\.grpo\.actor\.checkpoint_contents: verl releases differ on actor_rollout_ref\.actor\.checkpoint\.save_contents .*state tools\.verl\.version/,
    );
  });
});
