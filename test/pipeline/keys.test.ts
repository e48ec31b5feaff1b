import { describe, expect, it } from "vitest";
import { utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeChanges, fingerprint, stageKey } from "../../src/pipeline/keys.js";
import { tempDir } from "../helpers/tmp.js";

describe("stage keys", () => {
  it("do not depend on key order, and change with any value", () => {
    const a = stageKey("sft", 1, { x: 1, y: { z: [1, 2] } });
    expect(stageKey("sft", 1, { y: { z: [1, 2] }, x: 1 })).toBe(a);
    expect(stageKey("sft", 1, { x: 1, y: { z: [2, 1] } })).not.toBe(a);
    expect(stageKey("sft", 2, { x: 1, y: { z: [1, 2] } })).not.toBe(a);
  });

  it("describe what changed by dotted path", () => {
    const before = { stages: { sft: { args: { learning_rate: 1e-5, epochs: 3 } } }, files: { "/d/a.json": "1:1" } };
    const after = { stages: { sft: { args: { learning_rate: 2e-5, epochs: 3, seed: 1 } } }, files: { "/d/a.json": "1:2", "/d/b.json": "3:3" } };
    expect(describeChanges(before, after)).toEqual([
      "input /d/a.json changed",
      "new input /d/b.json",
      "stages.sft.args.learning_rate 1e-5 → 2e-5",
      "stages.sft.args.seed (unset) → 1",
    ]);
  });
});

describe("fingerprint", () => {
  it("mtime mode sees a touch; content mode sees only real changes", async () => {
    const file = join(await tempDir(), "a.json");
    await writeFile(file, "[1]");
    const m1 = await fingerprint(file, "mtime");
    const c1 = await fingerprint(file, "content");
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect(await fingerprint(file, "mtime")).not.toBe(m1);
    expect(await fingerprint(file, "content")).toBe(c1);
    await writeFile(file, "[2]");
    expect(await fingerprint(file, "content")).not.toBe(c1);
    expect(await fingerprint(join(file, "nope"), "content")).toBe("missing");
  });
});
