import { describe, expect, it } from "vitest";
import { GRPO_OPTION_DEFAULTS, GRPO_OPTION_KEYS, grpoOptionsSchema, optionValue } from "../../../src/tools/verl/options.js";
import { verlKeyInfo } from "../../../src/tools/verl/inventory.js";

describe("GRPO options", () => {
  it("default to the seed grpo.sh values", () => {
    const d = GRPO_OPTION_DEFAULTS;
    expect(d.adv_estimator).toBe("grpo");
    expect(d.data).toMatchObject({ train_batch_size: 1024, max_prompt_length: 1024, max_response_length: 4096, filter_overlong_prompts: true });
    expect(d.actor).toMatchObject({
      lr: 1e-6,
      ppo_mini_batch_size: 256,
      ppo_micro_batch_size_per_gpu: 8,
      use_kl_loss: true,
      kl_loss_coef: 0.001,
      kl_loss_type: "low_var_kl",
      entropy_coeff: 0,
      param_offload: true,
      optimizer_offload: true,
    });
    expect(d.rollout).toMatchObject({ name: "vllm", tensor_model_parallel_size: 4, gpu_memory_utilization: 0.6, temperature: 0.6, top_p: 0.95, n: 8 });
    expect(d.trainer).toMatchObject({ save_freq: 50, test_freq: 10, total_epochs: 15, n_gpus_per_node: 8, nnodes: 1 });
    expect(d.overrides).toEqual({});
  });

  it("fills defaults inside a partly given section", () => {
    const o = grpoOptionsSchema.parse({ actor: { lr: 2e-6 } });
    expect(o.actor.lr).toBe(2e-6);
    expect(o.actor.ppo_mini_batch_size).toBe(256);
  });

  it("is strict: a misspelt option is an error", () => {
    const r = grpoOptionsSchema.safeParse({ actor: { lrr: 1e-6 } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("lrr");
    expect(grpoOptionsSchema.safeParse({ rollout: { gpu_memory_utilization: 1.5 } }).success).toBe(false);
    expect(grpoOptionsSchema.safeParse({ trainer: { save_freq: 0 } }).success).toBe(false);
  });

  it("maps every option onto a key of current verl", () => {
    for (const [path, key] of Object.entries(GRPO_OPTION_KEYS)) {
      expect(optionValue(GRPO_OPTION_DEFAULTS, path), path).not.toBeUndefined();
      expect(verlKeyInfo("current", key), key).toBeDefined();
    }
  });
});
