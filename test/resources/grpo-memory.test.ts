// verl GRPO per GPU: the larger of the rollout phase (vLLM share + what is not offloaded) and the update phase.
import { describe, expect, it } from "vitest";
import { builtinDims, paramCount } from "../../src/resources/model-dims.js";
import { grpoMemory, type GrpoShape } from "../../src/resources/grpo-memory.js";

const GIB = 2 ** 30;
const dims = builtinDims("Qwen/Qwen2.5-7B-Instruct")!.dims;
const P = paramCount(dims);
// The seed's grpo.sh on 8 × 80 GB.
const seed: GrpoShape = {
  dims,
  params: P,
  gpus: 8,
  memoryGb: 80,
  promptLen: 1024,
  responseLen: 4096,
  trainBatch: 1024,
  n: 8,
  microBatch: 8,
  sequenceParallel: 1,
  checkpointing: true,
  removePadding: true,
  actorParamOffload: true,
  actorOptimizerOffload: true,
  refParamOffload: true,
  tp: 4,
  utilization: 0.6,
};

describe("GRPO memory", () => {
  it("with everything offloaded the rollout phase is vLLM's 0.6 × 80 GB plus overhead", () => {
    const m = grpoMemory(seed);
    expect(m.perGpu.parts.rollout_vllm).toBe(48);
    expect(m.perGpu.parts.actor_resident).toBe(0);
    expect(m.phase).toBe("rollout");
  });

  it("the update phase holds the actor's 16 bytes/param ÷ 8 GPUs", () => {
    const m = grpoMemory({ ...seed, utilization: 0.3 });
    expect(m.phase).toBe("update");
    expect(m.perGpu.parts.actor_states).toBeCloseTo((16 * P) / 8 / GIB, 2);
    // bf16 logits of 8 × 5120 tokens over 152,064: 12,457,082,880 bytes.
    expect(m.perGpu.parts.logits).toBeCloseTo(12_457_082_880 / GIB, 2);
  });

  it("keeping the actor and reference on the GPU adds them beside vLLM", () => {
    const m = grpoMemory({ ...seed, actorParamOffload: false, actorOptimizerOffload: false, refParamOffload: false });
    expect(m.phases.rollout).toBeCloseTo(48 + ((12 + 2) * P) / 8 / GIB + 2.5, 1);
  });

  it("KV: 2 engines of TP 4 each asked for 8 × 1024 × 5120 ÷ 2 tokens; each holds (48 GB − weights ÷ 4 − 2 GB) ÷ 14,336 B", () => {
    const m = grpoMemory(seed);
    expect(m.kv.wanted_tokens).toBe(20_971_520);
    expect(m.kv.min_tokens).toBe(5120);
    // (51,539,607,552 − 3,807,808,256 − 2,147,483,648) ÷ 14,336 = 3,179,709.6
    expect(m.kv.capacity_tokens).toBe(3_179_709);
  });
});
