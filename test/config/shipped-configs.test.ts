// The shipped experiment files load, carry the seed recipe's SFT values, and the JSON Schema file is current.
import { describe, expect, it } from "vitest";
import { readdir, readFile } from "node:fs/promises";
import { PAPER_RESULTS } from "../../src/report/paper-results.js";
import { fileURLToPath } from "node:url";
import { loadExperiment } from "../../src/config/load.js";
import { experimentJsonSchema } from "../../src/cli/schema.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

// The DianJin-R1 seed's qwen2.5_sft.yaml values (minus overwrite_output_dir, which breaks resume).
const SEED_SFT = {
  stage: "sft",
  do_train: true,
  finetuning_type: "full",
  cutoff_len: 16384,
  max_samples: 1000000,
  preprocessing_num_workers: 128,
  logging_steps: 10,
  save_strategy: "epoch",
  plot_loss: true,
  per_device_train_batch_size: 1,
  gradient_accumulation_steps: 16,
  learning_rate: 1e-5,
  num_train_epochs: 3,
  lr_scheduler_type: "linear",
  warmup_ratio: 0.03,
  bf16: true,
  ddp_timeout: 180000000,
};

describe("shipped configs", () => {
  for (const [file, base] of [
    ["configs/dianjin-r1-7b.yaml", "Qwen/Qwen2.5-7B-Instruct"],
    ["configs/dianjin-r1-32b.yaml", "Qwen/Qwen2.5-32B-Instruct"],
  ] as const) {
    it(`${file} carries the seed SFT recipe`, async () => {
      const { config } = await loadExperiment(root + file, { env: {} });
      const sft = config.stages.sft!;
      expect(config.model).toEqual({ base, template: "qwen" });
      expect(sft.datasets).toEqual(["cflue_oe_r1", "cflue_mcq_r1", "fin_qa_r1", "ccc_r1"]);
      // 32B full fine-tuning fits 8 × 80 GB only with offload (plain ZeRO-3 is tight: the estimate warns).
      expect(sft.deepspeed).toBe(base.includes("32B") ? "zero3_offload" : "zero3");
      expect(sft.args).toMatchObject(SEED_SFT);
      expect(sft.args.overwrite_output_dir).toBeUndefined();
      expect(config.cluster.gpus_per_node).toBe(8);
      expect(config.stages.grpo).toMatchObject({
        adv_estimator: "grpo",
        data: { train_batch_size: 1024, max_prompt_length: 1024, max_response_length: 4096, filter_overlong_prompts: true },
        actor: {
          lr: 1e-6,
          ppo_mini_batch_size: 256,
          ppo_micro_batch_size_per_gpu: base.includes("32B") ? 1 : 8,
          use_kl_loss: true,
          kl_loss_coef: 0.001,
          kl_loss_type: "low_var_kl",
          entropy_coeff: 0,
          param_offload: true,
          optimizer_offload: true,
        },
        rollout: { name: "vllm", tensor_model_parallel_size: 4, gpu_memory_utilization: 0.6, temperature: 0.6, top_p: 0.95, n: 8 },
        trainer: { save_freq: 50, test_freq: 10, total_epochs: 15 },
      });
    });
  }

  it("plan of the 7B recipe shows the GRPO argv with the reward file", async () => {
    const { planPipeline } = await import("../../src/pipeline/plan.js");
    const plan = await planPipeline(`${root}configs/dianjin-r1-7b.yaml`, { env: {} });
    const grpo = plan.stages.find((s) => s.name === "grpo")!;
    expect(grpo.render.argv).toContain("actor_rollout_ref.rollout.n=8");
    expect(grpo.render.argv.some((a) => a.startsWith("custom_reward_function.path=") && a.endsWith("grpo/rendered/reward.py"))).toBe(true);
    expect(plan.stages.map((s) => s.name)).toEqual(["sft", "grpo", "merge", "deploy", "eval"]);
  });

  it("the Slurm example extends the 7B recipe and runs SFT on two nodes", async () => {
    const { config } = await loadExperiment(`${root}configs/dianjin-r1-7b-slurm.yaml`, { env: {} });
    expect(config.cluster).toMatchObject({ launcher: "slurm", nodes: 2, gpus_per_node: 8, slurm: { partition: "gpu", requeue: true } });
    expect(config.stages.sft!.args).toMatchObject(SEED_SFT);
  });

  it("the data example feeds SFT from the data stage and GRPO from its RL Parquet", async () => {
    const { planPipeline } = await import("../../src/pipeline/plan.js");
    const plan = await planPipeline(`${root}configs/dianjin-r1-7b-data.yaml`, { env: {} });
    expect(plan.stages.map((s) => s.name)).toEqual(["data", "sft", "grpo"]);
    const info = JSON.parse(plan.stages[1]!.render.files.datasetInfo!.content) as Record<string, { file_name: string }>;
    expect(Object.keys(info).sort()).toEqual(["ccc_r1", "cflue_mcq_r1", "cflue_oe_r1", "fin_qa_r1"]);
    expect(info.ccc_r1!.file_name).toContain("/data/output/");
    expect(plan.stages[2]!.render.argv.some((a) => a.startsWith("data.train_files=") && a.includes("/data/output/rl/"))).toBe(true);
  });

  it("quickstart loads and its data ships with the repository", async () => {
    const { config } = await loadExperiment(`${root}configs/quickstart.yaml`);
    const data = JSON.parse(await readFile(config.stages.sft!.dataset_files.quickstart_sft!.path, "utf8")) as unknown[];
    expect(data.length).toBeGreaterThan(5);
  });

  it("every baseline loads: open models served from the hub by vLLM, API models by endpoint and key variable", async () => {
    const files = (await readdir(`${root}configs/baselines`)).filter((f) => f.endsWith(".yaml") && !f.startsWith("_"));
    expect(files).toHaveLength(9);
    for (const file of files) {
      const { config } = await loadExperiment(`${root}configs/baselines/${file}`, { env: {} });
      expect(Object.keys(config.stages).sort(), file).toEqual(config.stages.deploy ? ["deploy", "eval"] : ["eval"]);
      expect(Object.keys(config.stages.eval!.benchmarks).sort()).toEqual(["ccc", "cflue", "finqa", "gpqa_diamond", "math500"]);
      const endpoint = config.stages.eval!.endpoint;
      if (!config.stages.deploy) expect(endpoint?.api_key_env, file).toMatch(/^[A-Z_]+_API_KEY$/);
    }
  });

  it("the paper-table family plans every model of the paper's table (but 72B) as deploy + eval or eval by API", async () => {
    const { loadFamily, planFamily } = await import("../../src/pipeline/family.js");
    const family = (await loadFamily(`${root}configs/paper-table.yaml`, { env: {} }))!;
    const models = family.members.map((m) => m.loaded.config.model.base.split("/").pop()!.toLowerCase());
    const paper = PAPER_RESULTS.map((r) => r.model.toLowerCase()).filter((m) => m !== "qwen2.5-72b-instruct");
    expect(models.sort()).toEqual(paper.sort());
    const plan = await planFamily(family);
    for (const { variant, plan: p } of plan.plans) {
      const api = p.loaded.config.stages.eval!.endpoint !== undefined;
      expect(
        p.stages.map((s) => s.name),
        variant,
      ).toEqual(api ? ["eval"] : ["deploy", "eval"]);
      expect(p.workdir).toBe(`${family.workdir}/variants/${variant}`);
    }
    expect(plan.shared).toEqual([]);
  });

  it("schema/experiment.schema.json matches the schema in the code (run `npm run schema`; no build needed)", async () => {
    const committed = JSON.parse(await readFile(`${root}schema/experiment.schema.json`, "utf8")) as unknown;
    expect(committed).toEqual(experimentJsonSchema());
  });
});
