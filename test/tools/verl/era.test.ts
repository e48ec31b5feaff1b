import { describe, expect, it } from "vitest";
import { detectVerlEra, parseVerlVersion, renameFor, renameKeyForEra, verlHasFileLogger } from "../../../src/tools/verl/era.js";
import { childKeys, verlInventory, verlKeyInfo } from "../../../src/tools/verl/inventory.js";

describe("verl key inventories", () => {
  it("hold the current tree with default types, mandatory and interpolated values", () => {
    expect(verlKeyInfo("current", "actor_rollout_ref.actor.optim.lr")).toEqual({ type: "float", default: 1e-6 });
    expect(verlKeyInfo("current", "actor_rollout_ref.rollout.n")).toEqual({ type: "int", default: 1 });
    expect(verlKeyInfo("current", "actor_rollout_ref.rollout.name")).toEqual({ type: "missing" });
    expect(verlKeyInfo("current", "trainer.logger")).toEqual({ type: "list", default: ["console", "wandb"] });
    expect(verlKeyInfo("current", "actor_rollout_ref.actor.checkpoint")?.dataclass).toBe(true);
    expect(verlKeyInfo("current", "trainer.default_local_dir")?.type).toBe("interpolation");
    expect(verlKeyInfo("current", "actor_rollout_ref.actor.checkpoint.contents")).toBeUndefined();
  });

  it("hold the seed tree, where rollout.name defaulted to vllm and checkpoint.contents existed", () => {
    expect(verlKeyInfo("seed", "actor_rollout_ref.rollout.name")).toEqual({ type: "str", default: "vllm" });
    expect(verlKeyInfo("seed", "actor_rollout_ref.actor.checkpoint.contents")?.type).toBe("list");
    expect(verlKeyInfo("seed", "actor_rollout_ref.actor.checkpoint.save_contents")).toBeUndefined();
    expect(verlKeyInfo("seed", "ray_init.num_cpus")).toEqual({ type: "null", default: null });
    expect(Object.keys(verlInventory("seed").keys).length).toBeLessThan(Object.keys(verlInventory("current").keys).length);
  });

  it("lists the children of a section", () => {
    expect(childKeys("current", "custom_reward_function").sort()).toEqual(["custom_reward_function.name", "custom_reward_function.path"]);
    expect(childKeys("current", "")).toContain("trainer");
  });
});

describe("detectVerlEra", () => {
  it.each([
    ["0.3.0.post1", "seed"],
    ["0.4.0", "seed"],
    ["v0.3.1.dev+g6a9bef7", "seed"],
    ["0.4.1", "current"],
    ["verl 0.7.0", "current"],
    ["0.8.0.dev", "current"],
    ["1.0.0", "current"],
  ] as const)("%s → %s", (version, era) => {
    expect(detectVerlEra(version)).toBe(era);
  });

  it("returns undefined when there is no version number", () => {
    expect(detectVerlEra("unknown")).toBeUndefined();
    expect(parseVerlVersion("0.3.0.post1")).toEqual({ major: 0, minor: 3, patch: 0, suffix: ".post1" });
  });

  it("knows the file logger arrived in 0.6.0", () => {
    expect(verlHasFileLogger("0.5.0")).toBe(false);
    expect(verlHasFileLogger("0.6.0")).toBe(true);
  });
});

describe("renames between eras", () => {
  it("spells checkpoint contents per era", () => {
    expect(renameKeyForEra("actor_rollout_ref.actor.checkpoint.contents", "current")).toEqual({
      key: "actor_rollout_ref.actor.checkpoint.save_contents",
      add: false,
    });
    expect(renameKeyForEra("actor_rollout_ref.actor.checkpoint.save_contents", "seed")).toEqual({
      key: "actor_rollout_ref.actor.checkpoint.contents",
      add: false,
    });
    expect(renameKeyForEra("critic.checkpoint.contents", "current").key).toBe("critic.checkpoint.save_contents");
  });

  it("moves whole sections and marks keys that must be added", () => {
    expect(renameKeyForEra("ray_init.num_cpus", "current")).toEqual({ key: "ray_kwargs.ray_init.num_cpus", add: false });
    expect(renameKeyForEra("ray_kwargs.ray_init.num_cpus", "seed")).toEqual({ key: "ray_init.num_cpus", add: false });
    // engine_kwargs.vllm is an empty dict now: the key is added with +.
    expect(renameKeyForEra("actor_rollout_ref.rollout.engine_kwargs.swap_space", "current")).toEqual({
      key: "actor_rollout_ref.rollout.engine_kwargs.vllm.swap_space",
      add: true,
    });
  });

  it("leaves valid and unknown keys alone", () => {
    expect(renameKeyForEra("data.train_batch_size", "seed")).toEqual({ key: "data.train_batch_size", add: false });
    expect(renameKeyForEra("no.such.key", "current")).toEqual({ key: "no.such.key", add: false });
    expect(renameFor("trainer.val_generations_to_log_to_wandb", "seed")?.key).toBe("trainer.log_val_generations");
  });
});
