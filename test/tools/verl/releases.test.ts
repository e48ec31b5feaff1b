// verl checks and rendering per listed release: keys, renames, the file logger, tracking backends, and asking for
// the version when it is not known.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grpoOptionsSchema, renderVerlOverrides, validateOverrides, type GrpoOptions } from "../../../src/tools/verl/index.js";
import { renameKeyForEra } from "../../../src/tools/verl/era.js";
import { trackerProblems, verlChoicesNeedingVersion } from "../../../src/tools/verl/release-checks.js";

const options = (extra: Record<string, unknown> = {}): GrpoOptions => grpoOptionsSchema.parse({ ...extra }) as GrpoOptions;
const keysOf = (release: string) =>
  (JSON.parse(readFileSync(new URL(`../../../src/tools/verl/releases/v${release}.json`, import.meta.url), "utf8")) as { keys: Record<string, unknown> }).keys;

function render(era: string, extra: Record<string, unknown> = {}) {
  return renderVerlOverrides(
    {
      options: options(extra),
      era,
      paths: { trainFiles: "/d/train.parquet", valFiles: "/d/val.parquet", modelPath: "/m", rewardFile: "/r.py", checkpointDir: "/ckpt" },
      projectName: "p",
      experimentName: "e",
    },
    "stages.grpo",
  );
}

describe("verl overrides per release", () => {
  it("clip_ratio_high is refused for 0.3.0.post1 naming the release and 'added in 0.4.0', accepted from 0.4.0", () => {
    const problems = validateOverrides({ "actor_rollout_ref.actor.clip_ratio_high": 0.28 }, "0.3.0.post1", "stages.grpo");
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe("stages.grpo.overrides.actor_rollout_ref.actor.clip_ratio_high");
    expect(problems[0]!.message).toMatch(/not in struct/);
    expect(problems[0]!.message).toMatch(/verl 0\.3\.0\.post1's trainer config — it was added in 0\.4\.0/);
    expect(validateOverrides({ "actor_rollout_ref.actor.clip_ratio_high": 0.28 }, "0.4.0", "stages.grpo")).toEqual([]);
  });

  it("a key removed later says 'removed in', a renamed one gives the release's spelling", () => {
    expect(validateOverrides({ "actor_rollout_ref.rollout.chat_scheduler": 3 }, "0.4.1", "stages.grpo")[0]!.message).toMatch(
      /not in verl 0\.4\.1's trainer config — it was removed in 0\.4\.1/,
    );
    expect(validateOverrides({ "trainer.val_generations_to_log_to_wandb": 3 }, "0.4.0", "stages.grpo")[0]!.message).toMatch(
      /in verl 0\.4\.0 this key is spelled "trainer\.log_val_generations"/,
    );
  });

  it("checkpoint contents: contents before 0.4.1, save_contents from 0.4.1", () => {
    expect(renameKeyForEra("actor_rollout_ref.actor.checkpoint.save_contents", "0.4.0").key).toBe("actor_rollout_ref.actor.checkpoint.contents");
    expect(renameKeyForEra("actor_rollout_ref.actor.checkpoint.save_contents", "0.4.1").key).toBe("actor_rollout_ref.actor.checkpoint.save_contents");
    expect(render("0.3.0.post1").some((a) => a.startsWith("actor_rollout_ref.actor.checkpoint.contents="))).toBe(true);
    expect(render("0.5.0").some((a) => a.startsWith("actor_rollout_ref.actor.checkpoint.save_contents="))).toBe(true);
  });

  it("the file logger only from 0.6.0", () => {
    for (const release of ["0.3.0.post1", "0.4.1", "0.5.0"]) expect(render(release)).toContain("trainer.logger=[console]");
    for (const release of ["0.6.0", "0.6.1", "0.7.0"]) expect(render(release)).toContain("trainer.logger=[console,file]");
  });

  it("every rendered key of the default recipe is in each release's tree", () => {
    for (const release of ["0.3.0.post1", "0.4.0", "0.4.1", "0.5.0", "0.6.0", "0.6.1", "0.7.0"]) {
      const keys = keysOf(release);
      for (const arg of render(release)) expect(Object.hasOwn(keys, arg.slice(0, arg.indexOf("=")).replace(/^\+/, "")), `${release}: ${arg}`).toBe(true);
    }
  });

  it("tracking backends the release does not accept", () => {
    expect(trackerProblems("0.5.0", ["wandb", "trackio"])).toEqual([
      { path: "tracking.backends", message: expect.stringMatching(/verl 0\.5\.0 does not accept the trackio logger \(added in 0\.6\.0\)/) },
    ]);
    expect(trackerProblems("0.7.0", ["wandb", "trackio"])).toEqual([]);
  });
});

describe("verlChoicesNeedingVersion (version not known)", () => {
  it("asks for the version for settings whose spelling or existence differs between releases", () => {
    const problems = verlChoicesNeedingVersion(
      options({ overrides: { "actor_rollout_ref.actor.clip_ratio_high": 0.28 } }),
      ["wandb"],
      "the version is not known",
      "stages.grpo",
    );
    const byPath = new Map(problems.map((p) => [p.path, p.message]));
    expect(byPath.get("stages.grpo.actor.checkpoint_contents")).toMatch(
      /0\.3\.0\.post1, 0\.4\.0 spell it actor_rollout_ref\.actor\.checkpoint\.contents.*state tools\.verl\.version/,
    );
    expect(byPath.get("stages.grpo.overrides.actor_rollout_ref.actor.clip_ratio_high")).toMatch(/0\.3\.0\.post1 has no such key/);
    expect(byPath.has("stages.grpo.data.train_batch_size")).toBe(false);
  });

  it("a tracker only newer releases accept is asked about too", () => {
    const problems = verlChoicesNeedingVersion(options(), ["trackio"], "the version is not known", "stages.grpo");
    expect(problems.find((p) => p.path === "tracking.backends")?.message).toMatch(/0\.3\.0\.post1, 0\.4\.0, 0\.4\.1, 0\.5\.0 do not accept the trackio logger/);
  });
});
