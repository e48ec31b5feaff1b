// A hub id stays a hub id in every stage, wherever `plan` runs; local model folders are resolved and checked.
import { describe, expect, it } from "vitest";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";

const experiment = (grpoModel: string, deployModel: string) => `name: hub
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
cluster: { gpus_per_node: 1 }
stages:
  grpo:
    model: ${grpoModel}
    rl_data: { train: t.parquet, val: v.parquet }
    data: { train_batch_size: 8, max_prompt_length: 256, max_response_length: 256 }
    actor: { ppo_mini_batch_size: 8, ppo_micro_batch_size_per_gpu: 1 }
    rollout: { tensor_model_parallel_size: 1, n: 1, log_prob_micro_batch_size_per_gpu: 1 }
    ref: { log_prob_micro_batch_size_per_gpu: 1 }
  deploy: { model: ${deployModel} }
`;

type PlanJson = { stages: Array<{ name: string; command: string[] }>; problems: Array<{ path: string; message: string }> };

describe("model references", () => {
  it("hub ids pass unchanged to verl and vLLM, from any working directory", async () => {
    const dir = await tempDir("dianjin-hub-");
    await writeFiles(dir, {
      "exp.yaml": experiment("Qwen/Qwen2.5-0.5B-Instruct", "Qwen/Qwen2.5-0.5B-Instruct"),
      "t.parquet": "",
      "v.parquet": "",
      "elsewhere/.keep": "",
    });
    for (const cwd of [dir, join(dir, "elsewhere")]) {
      const result = await cli(["plan", join(dir, "exp.yaml"), "--json"], { cwd });
      const plan = JSON.parse(result.stdout) as PlanJson;
      const grpo = plan.stages.find((s) => s.name === "grpo")!.command;
      expect(grpo).toContain("actor_rollout_ref.model.path=Qwen/Qwen2.5-0.5B-Instruct");
      const deploy = plan.stages.find((s) => s.name === "deploy")!.command;
      expect(deploy[deploy.indexOf("serve") + 1]).toBe("Qwen/Qwen2.5-0.5B-Instruct");
      expect(plan.problems.filter((p) => /model/.test(p.path))).toEqual([]);
    }
  });

  it("./ paths and existing folders are local: resolved against the file and checked to exist", async () => {
    const dir = await tempDir("dianjin-hub-");
    await writeFiles(dir, { "exp.yaml": experiment("./missing-model", "models/served"), "t.parquet": "", "v.parquet": "" });
    await mkdir(join(dir, "models/served"), { recursive: true });
    const result = await cli(["plan", join(dir, "exp.yaml"), "--json"]);
    expect(result.exitCode).toBe(3);
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.stages.find((s) => s.name === "grpo")!.command).toContain(`actor_rollout_ref.model.path=${join(dir, "missing-model")}`);
    expect(plan.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "stages.grpo.model", message: expect.stringMatching(/missing-model is not a model folder/) })]),
    );
    // An existing folder without ./ is local too (and has no config.json here: reported).
    expect(plan.problems.some((p) => p.message.includes(join(dir, "models/served/config.json")))).toBe(true);
  });
});
