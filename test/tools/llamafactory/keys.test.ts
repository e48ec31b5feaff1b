import { describe, expect, it } from "vitest";
import { checkLlamaFactoryArgs } from "../../../src/tools/llamafactory/keys.js";

describe("checkLlamaFactoryArgs", () => {
  it("accepts the seed recipe's keys", () => {
    expect(
      checkLlamaFactoryArgs(
        { cutoff_len: 16384, learning_rate: 1e-5, num_train_epochs: 3, lr_scheduler_type: "linear", report_to: ["wandb"], ddp_timeout: 180000000, bf16: true },
        "stages.sft.args",
      ),
    ).toEqual([]);
  });

  it("names a typo with its path and the key meant", () => {
    const [problem] = checkLlamaFactoryArgs({ learning_rat: 1e-5 }, "stages.sft.args");
    expect(problem!.path).toBe("stages.sft.args.learning_rat");
    expect(problem!.message).toMatch(/did you mean "learning_rate"/);
  });

  it("explains removed keys", () => {
    expect(checkLlamaFactoryArgs({ use_cache: true }, "p")[0]!.message).toMatch(/use_kv_cache/);
  });

  it("rejects a string where a number is declared (LLaMA-Factory does not convert)", () => {
    expect(checkLlamaFactoryArgs({ learning_rate: "1e-5" }, "p")[0]!.message).toMatch(/expected number.*got string "1e-5"/);
  });

  it("checks choices, also inside lists", () => {
    expect(checkLlamaFactoryArgs({ lr_scheduler_type: "cosin" }, "p")[0]!.message).toMatch(/did you mean "cosine"/);
    expect(checkLlamaFactoryArgs({ report_to: ["wandbb"] }, "p")[0]!.message).toMatch(/did you mean "wandb"/);
  });

  it("lists every problem, not just the first", () => {
    expect(checkLlamaFactoryArgs({ a_b_c: 1, learning_rate: "x", finetuning_type: "ful" }, "p")).toHaveLength(3);
  });
});
