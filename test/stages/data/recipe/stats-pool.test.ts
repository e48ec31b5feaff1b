// The worker-thread statistics give exactly the sequential numbers. The worker runs compiled code, so this test uses
// dist/ (built by the global setup), as the CLI does.
import { describe, expect, it } from "vitest";
import { partialInParallel, sftPartial, rlPartial, STATS_POOL_DEFAULTS } from "../../../../dist/stages/data/recipe/index.js";

function records(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    instruction: `第${i}题：某公司发行面值${i}元的债券 coupon ${i % 7}%`,
    input: i % 5 === 0 ? "附加信息" : "",
    output: i % 11 === 0 ? "no layout" : `<think>\n推理 ${i} steps ${"利率".repeat(i % 13)}\n</think>\n\n<answer>\n\\boxed{${"ABCD"[i % 4]}}\n</answer>`,
  }));
}

describe("statistics on worker threads", () => {
  it("merges partial sums into exactly the sequential result", async () => {
    const list = records(STATS_POOL_DEFAULTS.minRecords + 300);
    expect(await partialInParallel("sft", list, 2)).toEqual(sftPartial(list));
    const rows = list.map((r, i) => ({ prompt: [{ content: r.instruction }], reward_model: { ground_truth: "ABCD"[i % 4]! } }));
    expect(await partialInParallel("rl", rows, 3)).toEqual(rlPartial(rows));
  });
});
