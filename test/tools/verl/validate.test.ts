import { describe, expect, it } from "vitest";
import { suggestVerlKey, validateOverrides } from "../../../src/tools/verl/validate.js";

describe("validateOverrides", () => {
  it("accepts real keys in map and argv form", () => {
    expect(validateOverrides({ "actor_rollout_ref.actor.clip_ratio_high": 0.28, "trainer.val_before_train": false }, "current", "stages.grpo")).toEqual([]);
    expect(validateOverrides(["actor_rollout_ref.actor.optim.lr=1e-6", "~trainer.rollout_data_dir"], "current", "stages.grpo")).toEqual([]);
  });

  it("rejects an unknown key like Hydra, names our key and suggests the real one", () => {
    const [p, ...rest] = validateOverrides({ "actor_rollout_ref.actor.optim.lrr": 1e-6 }, "current", "stages.grpo");
    expect(rest).toEqual([]);
    expect(p!.path).toBe("stages.grpo.overrides.actor_rollout_ref.actor.optim.lrr");
    expect(p!.message).toContain("Could not override 'actor_rollout_ref.actor.optim.lrr'. Key 'lrr' is not in struct");
    expect(p!.message).toContain('did you mean "actor_rollout_ref.actor.optim.lr"?');
  });

  it("reports the first missing segment as Hydra does", () => {
    const [p] = validateOverrides(["actor_rollout_ref.actr.optim.lr=1e-6"], "current", "stages.grpo");
    expect(p!.message).toContain("Key 'actr' is not in struct");
    expect(p!.message).toContain("full_key: actor_rollout_ref.actr");
    expect(p!.message).toContain('"actor_rollout_ref.actor.optim.lr"');
  });

  it("explains keys renamed between verl versions", () => {
    const [current] = validateOverrides({ "actor_rollout_ref.actor.checkpoint.contents": ["model"] }, "current", "stages.grpo");
    expect(current!.message).toContain('spelled "actor_rollout_ref.actor.checkpoint.save_contents"');
    expect(current!.message).toContain("0.4.1");
    const [seed] = validateOverrides({ "actor_rollout_ref.actor.checkpoint.save_contents": ["model"] }, "seed", "stages.grpo");
    expect(seed!.message).toContain('spelled "actor_rollout_ref.actor.checkpoint.contents"');
  });

  it("finds a key that sits in another section", () => {
    expect(suggestVerlKey("current", "actor_rollout_ref.actor.temperature")).toBe("actor_rollout_ref.rollout.temperature");
  });

  it("supports + for keys verl reads but does not declare", () => {
    expect(validateOverrides({ "+custom_reward_function.reward_kwargs.return_dict": true }, "current", "stages.grpo")).toEqual([]);
    expect(validateOverrides(["+ray_kwargs.ray_init.runtime_env.env_vars.HF_HOME=/data/hf"], "current", "stages.grpo")).toEqual([]);
  });

  it("refuses + on a key that already has a value, as Hydra does", () => {
    const [p] = validateOverrides(["+data.train_batch_size=512"], "current", "stages.grpo");
    expect(p!.path).toBe("stages.grpo.overrides.+data.train_batch_size");
    expect(p!.message).toContain("Could not append to config. An item is already at 'data.train_batch_size'");
    // A null default may be added to, and ++ always may.
    expect(validateOverrides(["+trainer.rollout_data_dir=/tmp/x", "++data.train_batch_size=512"], "current", "stages.grpo")).toEqual([]);
  });

  it("refuses + inside a section verl builds into a dataclass", () => {
    const [p] = validateOverrides({ "+actor_rollout_ref.actor.checkpoint.contents": ["model"] }, "current", "stages.grpo");
    expect(p!.message).toContain("actor_rollout_ref.actor.checkpoint into a Config dataclass");
    expect(p!.message).toContain("save_contents");
  });

  it("flags ~ on a missing key, non-overrides and quoted numbers", () => {
    expect(validateOverrides(["~trainer.nope"], "current", "stages.grpo")[0]!.message).toContain(
      "Could not delete from config. 'trainer.nope' does not exist.",
    );
    expect(validateOverrides(["just-a-word"], "current", "stages.grpo")[0]!.message).toContain("not a Hydra override");
    expect(validateOverrides({ "data.train_batch_size": "512" }, "current", "stages.grpo")[0]!.message).toContain("quoted number");
  });

  it("checks against the era's inventory", () => {
    expect(validateOverrides({ "actor_rollout_ref.rollout.use_fire_sampling": true }, "seed", "stages.grpo")).toEqual([]);
    expect(validateOverrides({ "actor_rollout_ref.rollout.use_fire_sampling": true }, "current", "stages.grpo")[0]!.message).toContain(
      "FIRE sampling was removed",
    );
    expect(validateOverrides({ "ray_init.num_cpus": 16 }, "current", "stages.grpo")[0]!.message).toContain('"ray_kwargs.ray_init.num_cpus"');
  });

  it("uses the given config path", () => {
    expect(validateOverrides({ "x.y": 1 }, "current", "stages.grpo2")[0]!.path).toBe("stages.grpo2.overrides.x.y");
  });

  it("checks the keys inside a dict value, since Hydra merges it in struct mode", () => {
    expect(validateOverrides({ "ray_kwargs.ray_init": { num_cpus: 16 } }, "current", "stages.grpo")).toEqual([]);
    const [p] = validateOverrides({ "ray_kwargs.ray_init": { num_cpu: 16 } }, "current", "stages.grpo");
    expect(p!.path).toBe("stages.grpo.overrides.ray_kwargs.ray_init.num_cpu");
    expect(p!.message).toContain('did you mean "ray_kwargs.ray_init.num_cpus"?');
    expect(validateOverrides({ "+ray_kwargs.ray_init": { runtime_env: { env_vars: { A: "1" } } } }, "current", "stages.grpo")).toEqual([]);
  });
});
