// The SFT estimate from an experiment: LLaMA-Factory defaults, the DeepSpeed preset, and time from the data stage's
// statistics, by hand.
import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { experimentSchema } from "../../src/config/schema.js";
import { estimateSft } from "../../src/stages/sft/backends/llamafactory-resources.js";
import { resolveModel } from "../../src/resources/model-dims.js";
import { sftEstimator } from "../../src/resources/estimate-sft.js";
import { TRL_FIX_KEYS, trlDefaultsNote, trlTraining } from "../../src/stages/sft/backends/trl-resources.js";

async function setup(sft: Record<string, unknown>, cluster: Record<string, unknown> = {}) {
  const config = experimentSchema.parse({
    name: "x",
    workdir: "/tmp/x",
    model: { base: "Qwen/Qwen2.5-7B-Instruct" },
    cluster,
    stages: { sft: { datasets: ["a"], dataset_files: { a: { path: "/nonexistent/a.json" } }, ...sft } },
  });
  return { config, sft: config.stages.sft!, model: (await resolveModel(["Qwen/Qwen2.5-7B-Instruct"]))! };
}

describe("SFT estimate", () => {
  it("time from statistics: 1,000 records × (966 + 34 template) tokens × 3 epochs at (6P + attention) FLOPs/token", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sft-est-"));
    const statsPath = join(dir, "stats.json");
    await writeFile(
      statsPath,
      JSON.stringify({ tokenizer: "q", rows: [{ split: "SFT", set: "A", name: "a", lang: "zh", size: 1000, question: 100, reasoning: 800, answer: 66 }] }),
    );
    const r = await estimateSft({ ...(await setup({ args: { cutoff_len: 16384, per_device_train_batch_size: 1 } })), statsPath });
    expect(r.tokens).toEqual({ per_epoch: 1_000_000, source: expect.stringMatching(/statistics/) });
    // 3e6 tokens × (6 × 7,615,616,512 + 12 × 28 × 28 × 128 × 1000) = 1.40694e17 FLOPs ÷ (312e12 × 0.4) = 1127.4 s.
    expect(r.gpu_hours).toBe(0.31);
    expect(r.wall_hours).toBe(0.04);
  });

  it("unset keys take LLaMA-Factory's defaults (cutoff 2048, micro batch 8, checkpointing on) and no data means no time", async () => {
    const r = await estimateSft(await setup({ deepspeed: "zero2" }));
    expect(r.notes[0]).toBe("full fine-tuning, ZeRO-2, cutoff 2048 × micro batch 8, gradient checkpointing on");
    expect(r.gpu_hours).toBeNull();
    // ZeRO-2 on 8 GPUs: 4P + 16P/8 = 6 bytes/param = 45,693,699,072 B = 42.56 GiB.
    expect(r.per_gpu_gb.parts.model_states).toBeCloseTo(42.56, 2);
  });

  it("cutoff 16384 on 40 GB: the upper bound is over the limit, the lower bound (no activations) fits: tight, with fixes cheapest first", async () => {
    const r = await estimateSft(await setup({ args: { cutoff_len: 16384, per_device_train_batch_size: 4 } }, { gpu: { memory_gb: 40 } }));
    expect(r.fit).toBe("tight");
    expect(r.per_gpu_gb.total).toBeGreaterThan(36);
    expect(Object.keys(r.lower_gb.parts)).toEqual(["model_states", "zero3_gathered_layer", "framework"]);
    expect(r.lower_gb.total).toBeLessThan(40);
    expect(r.limit_gb).toBe(36);
    expect(r.fixes!.length).toBeGreaterThan(0);
    expect(r.fixes![0]!.change).toMatch(/^stages\.sft\.args\.per_device_train_batch_size: [12]$/);
    for (const f of r.fixes!) expect(f.total_gb).toBeLessThanOrEqual(36);
  });
});

describe("SFT estimate with TRL's defaults (not LLaMA-Factory's)", () => {
  const trlEstimate = async (args: Record<string, unknown>, release: string | undefined, cluster: Record<string, unknown> = {}) => {
    const { config, sft, model } = await setup({ deepspeed: "zero2" }, cluster);
    return sftEstimator(TRL_FIX_KEYS)({ config, sft, model, training: trlTraining(args, release) });
  };

  it("unset max_length is TRL's 1024 where LLaMA-Factory's cutoff_len is 2048, and that lowers the activations", async () => {
    const trl = await trlEstimate({}, "1.0.0");
    const lf = await estimateSft(await setup({ deepspeed: "zero2" }));
    expect(trl.notes[0]).toBe("full fine-tuning, ZeRO-2, cutoff 1024 × micro batch 8, gradient checkpointing on");
    expect(trl.per_gpu_gb.parts.activations!).toBeLessThan(lf.per_gpu_gb.parts.activations!);
  });

  it("gradient checkpointing follows the release's default: off before TRL 0.22 (TrainingArguments), on from 0.22", async () => {
    expect(trlTraining({}, "0.21.0").checkpointing).toBe(false);
    expect(trlTraining({}, "0.22.2").checkpointing).toBe(true);
    expect(trlTraining({}, "1.9.0").checkpointing).toBe(true);
    expect(trlTraining({}, undefined).checkpointing).toBe(true);
    expect(trlTraining({ gradient_checkpointing: false }, "1.9.0").checkpointing).toBe(false);
    const old = await trlEstimate({}, "0.21.0");
    const now = await trlEstimate({}, "0.22.2");
    expect(old.notes[0]).toMatch(/gradient checkpointing off$/);
    expect(old.per_gpu_gb.parts.activations!).toBeGreaterThan(now.per_gpu_gb.parts.activations!);
    // 75.73 GB on 80 GB is tight; the cheapest fix names TRL's own key, not LLaMA-Factory's disable_gradient_checkpointing.
    expect(old.fit).toBe("tight");
    expect(old.fixes?.[0]?.change).toBe("stages.sft.args.gradient_checkpointing: true");
    expect(trlDefaultsNote("0.21.0")).toBe("TRL 0.21.0 defaults where unset: max_length 1024, packing off, gradient checkpointing off");
  });

  it("packing (TRL's SFTConfig key, off by default) makes every sequence max_length long, so the lower bound has activations", async () => {
    expect(trlTraining({}, "1.0.0").packing).toBe(false);
    const packed = await trlEstimate({ packing: true }, "1.0.0");
    const padded = await trlEstimate({}, "1.0.0");
    expect(packed.lower_gb.parts).toHaveProperty("activations");
    expect(padded.lower_gb.parts).not.toHaveProperty("activations");
  });
});
