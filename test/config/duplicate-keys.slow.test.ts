// 100,000 keys are checked for duplicates in one pass (yaml's own uniqueKeys check is quadratic: minutes).
import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { tempDir } from "../helpers/tmp.js";

describe("duplicate keys at scale", () => {
  it("finds the one duplicate among 100,000 keys", async () => {
    const dir = await tempDir();
    const file = join(dir, "exp.yaml");
    const keys = Array.from({ length: 100_000 }, (_, i) => `      K${i}: v`);
    await writeFile(
      file,
      `name: demo\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-0.5B-Instruct }\ntools:\n  llamafactory:\n    env:\n${keys.join("\n")}\n      K77: w\n`,
    );
    const error = await loadExperiment(file, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${file}:100007:7: tools.llamafactory.env.K77: duplicate key "K77"`);
  }, 120_000);
});
