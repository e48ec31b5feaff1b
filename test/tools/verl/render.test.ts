import { describe, expect, it } from "vitest";
import { grpoOptionsSchema, type GrpoOptionsInput } from "../../../src/tools/verl/options.js";
import { renderVerlEnv, renderVerlOverrides, type RenderVerlInput } from "../../../src/tools/verl/render.js";
import { validateOverrides } from "../../../src/tools/verl/validate.js";
import type { VerlEra } from "../../../src/tools/verl/inventory.js";

function input(era: VerlEra = "current", options: GrpoOptionsInput = {}, extra: Partial<RenderVerlInput> = {}): RenderVerlInput {
  return {
    options: grpoOptionsSchema.parse(options),
    era,
    paths: {
      trainFiles: "data/train.parquet",
      valFiles: ["data/val.parquet", "/abs/extra val.parquet"],
      modelPath: "./out/sft",
      rewardFile: "reward.py",
      checkpointDir: "ckpt",
    },
    projectName: "dianjin",
    experimentName: "r1-7b",
    cwd: "/work/exp",
    ...extra,
  };
}

const asMap = (argv: string[]) => new Map(argv.map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));

describe("renderVerlOverrides", () => {
  it("renders the seed recipe for current verl with absolute paths and the wrapper-owned keys", () => {
    const argv = renderVerlOverrides(input(), "stages.grpo");
    const m = asMap(argv);
    expect(m.get("algorithm.adv_estimator")).toBe("grpo");
    expect(m.get("actor_rollout_ref.actor.optim.lr")).toBe("1e-6");
    expect(m.get("actor_rollout_ref.rollout.gpu_memory_utilization")).toBe("0.6");
    expect(m.get("actor_rollout_ref.rollout.n")).toBe("8");
    expect(m.get("actor_rollout_ref.actor.checkpoint.save_contents")).toBe("[model,optimizer,extra]");
    expect(m.get("trainer.logger")).toBe("[console,file]");
    expect(m.get("actor_rollout_ref.rollout.name")).toBe("vllm");
    expect(m.get("custom_reward_function.path")).toBe("/work/exp/reward.py");
    expect(m.get("custom_reward_function.name")).toBe("compute_score");
    expect(m.get("data.train_files")).toBe("/work/exp/data/train.parquet");
    expect(m.get("data.val_files")).toBe("[/work/exp/data/val.parquet,'/abs/extra val.parquet']");
    expect(m.get("actor_rollout_ref.model.path")).toBe("/work/exp/out/sft");
    expect(m.get("trainer.default_local_dir")).toBe("/work/exp/ckpt");
    expect(m.get("trainer.resume_mode")).toBe("auto");
    expect(m.get("trainer.project_name")).toBe("dianjin");
    expect(m.get("trainer.experiment_name")).toBe("r1-7b");
    expect(m.size).toBe(argv.length); // one element per key
    expect(validateOverrides(argv, "current", "stages.grpo")).toEqual([]);
  });

  it("keeps a hub id as the model path, wherever it is rendered", () => {
    const base = input();
    const argv = renderVerlOverrides({ ...base, paths: { ...base.paths, modelPath: "Qwen/Qwen2.5-7B-Instruct" } }, "stages.grpo");
    expect(argv).toContain("actor_rollout_ref.model.path=Qwen/Qwen2.5-7B-Instruct");
  });

  it("uses the seed-era spelling and no file logger for a seed-era verl", () => {
    const argv = renderVerlOverrides(input("seed"), "stages.grpo");
    const m = asMap(argv);
    expect(m.get("actor_rollout_ref.actor.checkpoint.contents")).toBe("[model,optimizer,extra]");
    expect(m.has("actor_rollout_ref.actor.checkpoint.save_contents")).toBe(false);
    expect(m.get("trainer.logger")).toBe("[console]");
    expect(validateOverrides(argv, "seed", "stages.grpo")).toEqual([]);
  });

  it("adds tracking backends, applies overrides, and keeps owned keys over overrides", () => {
    const argv = renderVerlOverrides(
      input(
        "current",
        {
          overrides: {
            "actor_rollout_ref.actor.clip_ratio_high": 0.28,
            "+custom_reward_function.reward_kwargs.return_dict": true,
            "trainer.logger": ["wandb"],
            "data.train_batch_size": 512,
          },
        },
        { trackers: ["tensorboard"] },
      ),
      "stages.grpo",
    );
    expect(argv).toContain("actor_rollout_ref.actor.clip_ratio_high=0.28");
    expect(argv).toContain("+custom_reward_function.reward_kwargs.return_dict=true");
    expect(argv).toContain("data.train_batch_size=512");
    expect(argv.filter((a) => a.startsWith("data.train_batch_size="))).toHaveLength(1);
    expect(argv).toContain("trainer.logger=[console,file,tensorboard]");
  });

  it("quotes names Hydra would misread and renders resume_path", () => {
    const argv = renderVerlOverrides(
      input("current", {}, { experimentName: "2025", resume: { mode: "resume_path", path: "ckpt/global_step_50" } }),
      "stages.grpo",
    );
    expect(argv).toContain("trainer.experiment_name='2025'");
    expect(argv).toContain("trainer.resume_mode=resume_path");
    expect(argv).toContain("trainer.resume_from_path=/work/exp/ckpt/global_step_50");
  });

  it("can leave the file logger out", () => {
    expect(asMap(renderVerlOverrides(input("current", {}, { fileLogger: false }), "stages.grpo")).get("trainer.logger")).toBe("[console]");
  });
});

describe("renderVerlEnv", () => {
  it("sets unbuffered output and the file logger path, and VLLM_ATTENTION_BACKEND only when asked", () => {
    const env = renderVerlEnv({ fileLoggerPath: "logs/metrics.jsonl", cwd: "/work/exp" });
    expect(env).toMatchObject({ PYTHONUNBUFFERED: "1", VERL_FILE_LOGGER_PATH: "/work/exp/logs/metrics.jsonl" });
    expect(env.VLLM_ATTENTION_BACKEND).toBeUndefined();
    expect(renderVerlEnv({ vllmAttentionBackend: "XFORMERS" }).VLLM_ATTENTION_BACKEND).toBe("XFORMERS");
    expect(renderVerlEnv({ extra: { PYTHONUNBUFFERED: "0" } }).PYTHONUNBUFFERED).toBe("0");
  });
});
