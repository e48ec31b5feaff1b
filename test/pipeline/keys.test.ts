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

describe("renderKeyed: render → fingerprint → key in one place", () => {
  it("the key follows the rendered inputs, the files read and the consumed stages' keys", async () => {
    const { renderKeyed, keyedWith } = await import("../../src/pipeline/keys.js");
    const dir = await tempDir();
    const input = join(dir, "data.json");
    await writeFile(input, "[1]");
    let lr = 1;
    const def = {
      name: "x",
      version: 1,
      render: () => ({ files: {}, argv: [], env: {}, keyInputs: { lr }, inputFiles: [input], fingerprint: "content" as const }),
    } as unknown as Parameters<typeof renderKeyed>[0];
    const ctx = { workdir: join(dir, "elsewhere"), config: {} } as Parameters<typeof renderKeyed>[1];
    const first = await renderKeyed(def, ctx, undefined, { sft: "aaaa" });
    expect(first.keyInputs).toEqual({ lr: 1, files: { [input]: expect.stringMatching(/^sha256:/) }, upstream: { sft: "aaaa" } });
    expect(first.key).toBe(stageKey("x", 1, first.keyInputs));
    expect((await renderKeyed(def, ctx, undefined, { sft: "aaaa" })).key).toBe(first.key);
    expect((await renderKeyed(def, ctx, undefined, { sft: "bbbb" })).key).not.toBe(first.key);
    lr = 2;
    expect((await renderKeyed(def, ctx, undefined, { sft: "aaaa" })).key).not.toBe(first.key);
    lr = 1;
    await writeFile(input, "[2]");
    expect((await renderKeyed(def, ctx, undefined, { sft: "aaaa" })).key).not.toBe(first.key);
    // Re-keyed for new upstream keys without rendering; no consumed stage means no `upstream` entry at all.
    expect(keyedWith(def, first.keyInputs, {}).keyInputs).not.toHaveProperty("upstream");
    expect(keyedWith(def, first.keyInputs, { sft: "aaaa" }).key).toBe(first.key);
    // A file inside the workdir enters the key relative to it (a copied workdir keeps its keys); the key an older
    // version made from the absolute path is offered as legacyKey.
    const inside = await renderKeyed(def, { workdir: dir, config: {} } as Parameters<typeof renderKeyed>[1], undefined, { sft: "aaaa" });
    expect(Object.keys(inside.keyInputs.files as object)).toEqual(["./data.json"]);
    expect(inside.legacyKey).toBe(
      stageKey("x", 1, { lr: 1, files: { [input]: (inside.keyInputs.files as Record<string, string>)["./data.json"] }, upstream: { sft: "aaaa" } }),
    );
    expect(inside.key).not.toBe(inside.legacyKey);
  });

  it("with a store, the run's name leaves the key (experiments differing only in name share it); the named key is offered", async () => {
    const { renderKeyed } = await import("../../src/pipeline/keys.js");
    let name = "lr1";
    const def = {
      name: "sft",
      version: 1,
      render: () => ({
        files: {},
        argv: [],
        env: {},
        keyInputs: { stages: { sft: { args: { learning_rate: 1e-5, run_name: name, swanlab_run_name: name } } } },
        inputFiles: [],
        fingerprint: "mtime" as const,
      }),
    } as unknown as Parameters<typeof renderKeyed>[0];
    const at = (store?: string) => ({ workdir: "/w", config: store ? { store } : {} }) as Parameters<typeof renderKeyed>[1];
    const plain1 = await renderKeyed(def, at(), undefined);
    const shared1 = await renderKeyed(def, at("/store"), undefined);
    expect(shared1.keyInputs).toEqual({ stages: { sft: { args: { learning_rate: 1e-5 } } }, files: {} });
    expect(shared1.namedKey).toBe(plain1.key);
    name = "lr2";
    expect((await renderKeyed(def, at(), undefined)).key).not.toBe(plain1.key);
    expect((await renderKeyed(def, at("/store"), undefined)).key).toBe(shared1.key);
    expect(plain1.namedKey).toBeUndefined();
  });
});
