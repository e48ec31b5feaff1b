// Which keys hold secrets: the last word of the key names one. A literal string there is refused (exit 2, the value
// never shown); keys that only contain such a word (ignore_pad_token_for_loss, ppo_max_token_len_per_gpu) are not.
import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { tempDir } from "../helpers/tmp.js";

const BASE = `name: demo
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
stages:
  sft:
    datasets: [a]
    dataset_files: { a: { path: a.json } }
    args:
`;

async function load(text: string, set: string[] = []) {
  const dir = await tempDir();
  const file = join(dir, "exp.yaml");
  await writeFile(file, text);
  return loadExperiment(file, { env: { HF_TOKEN: "hf_from_env_123456" }, cwd: dir, set }).catch((e: unknown) => e);
}

describe("literal secrets", () => {
  it("refuses a literal string under a key whose last word names a secret, in the file and by --set, never echoing it", async () => {
    for (const [text, set] of [
      [`${BASE}      hub_token: hf_literal_value_1\n`, []],
      [`${BASE}      swanlab_api_key: hf_literal_value_1\n`, []],
      [`${BASE}      cutoff_len: 1024\n`, ["tools.verl.env.WANDB_API_KEY=hf_literal_value_1"]],
    ] as const) {
      const error = await load(text, [...set]);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/is a secret written literally/);
      expect((error as ConfigError).message).not.toContain("hf_literal_value_1");
    }
  });

  it("accepts ${VAR}, an empty value, and keys that only contain a secret word", async () => {
    const loaded = await load(
      `${BASE}      hub_token: "\${HF_TOKEN}"\n      ignore_pad_token_for_loss: true\n      ms_hub_token: ""\n  grpo:\n    overrides: { actor_rollout_ref.actor.ppo_max_token_len_per_gpu: 16384 }\n`,
    );
    expect(loaded).not.toBeInstanceOf(Error);
  });
});
