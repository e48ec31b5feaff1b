import { describe, expect, it } from "vitest";
import { classifyTrlFailure } from "../../../src/tools/trl/failures.js";

const at = { configPath: "stages.sft", forceOption: "--force sft" };

describe("classifyTrlFailure", () => {
  it("names TrlParser's unknown keys, with the version that ran when the context knows it", () => {
    const log = "ValueError: Unknown arguments from config file: ['--max_seq_length', '1024']. Please remove them";
    expect(classifyTrlFailure(log, at)).toMatchObject({ id: "unknown-keys", hint: expect.stringMatching(/state tools\.trl\.version/) });
    expect(classifyTrlFailure(log, { ...at, version: "0.22.2" })!.hint).toMatch(/^TRL 0\.22\.2 does not know these keys/);
  });

  it("a checkpoint that cannot be resumed, a dataset TRL cannot read, the GPU and NCCL causes", () => {
    expect(classifyTrlFailure("ValueError: Can't find a valid checkpoint at /w/sft/output/checkpoint-6", at)).toMatchObject({
      id: "bad-checkpoint",
      summary: "cannot resume from /w/sft/output/checkpoint-6",
    });
    expect(classifyTrlFailure("KeyError: 'messages'", at)?.id).toBe("dataset-format");
    expect(classifyTrlFailure("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate", at)?.hint).toMatch(/max_length/);
    expect(classifyTrlFailure("[Rank 0] Watchdog caught collective operation timeout", at)?.id).toBe("nccl-timeout");
    expect(classifyTrlFailure("something else broke", at)).toBeUndefined();
  });
});
