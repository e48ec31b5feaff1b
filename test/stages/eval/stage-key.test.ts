// The eval stage's key: what changes the numbers changes it; where the server listens and how hard we push it do not.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { planPipeline } from "../../../src/pipeline/plan.js";
import { tempDir, writeFiles } from "../../helpers/tmp.js";

const CFLUE = fileURLToPath(new URL("../../fixtures/eval/cflue.json", import.meta.url));

async function evalKey(set: string[] = []): Promise<{ key: string; action: string }> {
  const dir = await tempDir();
  await writeFiles(dir, {
    "exp.yaml": `name: k\nworkdir: runs\nmodel: { base: Qwen/Qwen2.5-7B-Instruct }\nstages:\n  eval:\n    benchmarks: { cflue: { path: ${JSON.stringify(CFLUE)} } }\n    endpoint: { base_url: "http://127.0.0.1:9/v1", model: m }\n`,
  });
  const plan = await planPipeline(join(dir, "exp.yaml"), { set });
  const stage = plan.stages.find((s) => s.name === "eval")!;
  return { key: stage.key, action: stage.action };
}

describe("eval stage key", () => {
  it("ignores the URL, concurrency, max_attempts and keep_server; follows sampling, scoring and the model", async () => {
    const base = await evalKey();
    expect(base.action).toBe("run");
    for (const set of [
      ["stages.eval.endpoint.base_url=http://10.0.0.2:8000/v1"],
      ["stages.eval.concurrency=7"],
      ["stages.eval.max_attempts=2"],
      ["stages.eval.keep_server=true"],
    ]) {
      expect((await evalKey(set)).key, set[0]).toBe(base.key);
    }
    for (const set of [
      ["stages.eval.sampling.temperature=0"],
      ["stages.eval.scoring.cflue_mode=strict"],
      ["stages.eval.endpoint.model=other"],
      ["stages.eval.benchmarks.cflue.limit=2"],
    ]) {
      expect((await evalKey(set)).key, set[0]).not.toBe(base.key);
    }
  });
});
