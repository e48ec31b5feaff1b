// Many keys stay fast: duplicates are found in one pass (yaml's own uniqueKeys check is quadratic: minutes), and a file
// too large to be a config is refused by its size before it is parsed.
import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadExperiment } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { tempDir } from "../helpers/tmp.js";

const HEAD = "name: demo\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-0.5B-Instruct }\ntools:\n  llamafactory:\n    env:\n";

describe("many keys", () => {
  it("finds the one duplicate among 15,000 keys", async () => {
    const dir = await tempDir();
    const file = join(dir, "exp.yaml");
    const keys = Array.from({ length: 15_000 }, (_, i) => `      K${i}: v`);
    await writeFile(file, `${HEAD}${keys.join("\n")}\n      K77: w\n`);
    const error = await loadExperiment(file, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${file}:15007:7: tools.llamafactory.env.K77: duplicate key "K77"`);
  }, 120_000);

  it("refuses 100,000 keys by the file's size, and 15,000 distinct ones by their count, naming where", async () => {
    const dir = await tempDir();
    const big = join(dir, "big.yaml");
    await writeFile(big, `${HEAD}${Array.from({ length: 100_000 }, (_, i) => `      K${i}: v`).join("\n")}\n`);
    expect(String(await loadExperiment(big, { env: {} }).catch((e: unknown) => e))).toMatch(/cannot read .*big\.yaml: it is 1\.\d MiB; at most 256 KiB/);
    const many = join(dir, "many.yaml");
    await writeFile(many, `${HEAD}${Array.from({ length: 15_000 }, (_, i) => `      K${i}: v`).join("\n")}\n`);
    const error = await loadExperiment(many, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`${many}:7:7: tools.llamafactory.env: has 15000 keys; at most 2000`);
  }, 120_000);
});
