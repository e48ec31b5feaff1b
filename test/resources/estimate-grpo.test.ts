// GRPO time from the RL rows countable before launch (a CFLUE file): steps × (rollout + training) FLOPs, by hand.
import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { experimentSchema } from "../../src/config/schema.js";
import { estimateGrpo } from "../../src/stages/grpo/resources.js";
import { resolveModel } from "../../src/resources/model-dims.js";

describe("GRPO estimate", () => {
  it("10,000 CFLUE items, 5% held out, batch 1024, 15 epochs → 135 steps; hours from 2 + 10 FLOPs/param/token", async () => {
    const dir = await mkdtemp(join(tmpdir(), "grpo-est-"));
    const file = join(dir, "cflue.json");
    await writeFile(file, JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ question: `q${i}`, answer: "A" }))));
    const config = experimentSchema.parse({
      name: "x",
      workdir: dir,
      model: { base: "Qwen/Qwen2.5-7B-Instruct" },
      cluster: { gpu: { hourly_cost: 2 } },
      stages: { grpo: { rl_data: { cflue_mcq: file } } },
    });
    const model = (await resolveModel(["Qwen/Qwen2.5-7B-Instruct"]))!;
    const r = await estimateGrpo(config, config.stages.grpo!, model);
    // 9,500 rows ÷ 1024 = 9 steps per epoch × 15; each step 1024 prompts × n 8 × (1024 + 4096) tokens.
    const tokens = 135 * 1024 * 8 * 5120;
    const P = 7_615_616_512;
    const rolloutHours = (2 * P * tokens) / (312e12 * 0.1) / 3600;
    const trainingHours = (10 * P * tokens) / (312e12 * 0.4) / 3600;
    expect(r.gpu_hours).toBeCloseTo(rolloutHours + trainingHours, 0);
    expect(r.wall_hours).toBeCloseTo((rolloutHours + trainingHours) / 8, 0);
    expect(r.cost).toBeCloseTo(2 * (rolloutHours + trainingHours), -1);
    expect(r.notes.join(" ")).toContain("135 steps");
  });

  it("without countable rows the time is unknown, said in words", async () => {
    const config = experimentSchema.parse({ name: "x", workdir: "/tmp/x", model: { base: "Qwen/Qwen2.5-7B-Instruct" }, stages: { grpo: {} } });
    const r = await estimateGrpo(config, config.stages.grpo!, (await resolveModel(["Qwen/Qwen2.5-7B-Instruct"]))!);
    expect(r.gpu_hours).toBeNull();
    expect(r.notes.join(" ")).toMatch(/time unknown/);
  });
});
