// SFT training tokens: from the data stage's statistics, else from the files (exact, or sampled when large).
import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countChatTokens, countTokens } from "../../src/data/tokens.js";
import { countRecordTokens, EXACT_CHAR_LIMIT, QWEN_TEMPLATE_TOKENS, recordText, tokensFromFiles, tokensFromStats } from "../../src/resources/sft-tokens.js";
import { sftStageSchema } from "../../src/config/stages/sft.js";

describe("SFT tokens", () => {
  it("the template allowance is what the qwen chat template adds around an empty exchange", () => {
    const empty = countChatTokens([{ role: "user", content: "" }, { role: "assistant", content: "" }]);
    expect(QWEN_TEMPLATE_TOKENS).toBe(empty);
  });

  it("from statistics: records × (Q + R + A + template), capped at cutoff", () => {
    const stats = {
      tokenizer: "qwen",
      rows: [
        { split: "SFT" as const, set: "A", name: "a", lang: "zh" as const, size: 10, question: 100, reasoning: 800, answer: 70 },
        { split: "SFT" as const, set: "B", name: "b", lang: "en" as const, size: 5, question: 50, reasoning: 5000, answer: 20 },
      ],
    };
    // With the 34-token template: a: 10 × 1004 = 10,040; b: 5 × min(5104, 4096) = 20,480.
    expect(tokensFromStats(stats, ["a", "b"], 4096)).toMatchObject({ tokens: 30_520, records: 15 });
    expect(tokensFromStats(stats, ["a", "c"], 4096)).toBeUndefined();
  });

  it("small files are counted exactly, each record plus the template", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tok-"));
    const records = [{ instruction: "什么是市盈率？", input: "", output: "<think>\n股价除以每股收益\n</think>\n\n<answer>\\boxed{A}</answer>" }, { instruction: "2+2?", input: "", output: "4" }];
    await writeFile(join(dir, "d.json"), JSON.stringify(records));
    const sft = sftStageSchema.parse({ datasets: ["d"], dataset_files: { d: { path: join(dir, "d.json") } } });
    const expected = records.reduce((n, r) => n + countTokens(recordText(r)) + QWEN_TEMPLATE_TOKENS, 0);
    expect(await tokensFromFiles(sft, 16384)).toMatchObject({ tokens: expected, records: 2 });
    const missing = sftStageSchema.parse({ datasets: ["d"], dataset_files: { d: { path: join(dir, "none.json") } } });
    expect(await tokensFromFiles(missing, 16384)).toBeUndefined();
  });

  it("beyond the exact limit, a sample's tokens per character is scaled to the whole", () => {
    const counter = (t: string) => Math.ceil(t.length / 4);
    const texts = Array.from({ length: 5000 }, () => "x".repeat(400)); // 2,000,000 characters
    expect(texts.join("").length).toBeGreaterThan(EXACT_CHAR_LIMIT);
    const { tokens, exact } = countRecordTokens(texts, 16384, counter);
    expect(exact).toBe(false);
    expect(tokens).toBe(5000 * (100 + QWEN_TEMPLATE_TOKENS));
  });
});
