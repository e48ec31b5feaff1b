// SFT training tokens: from the data stage's statistics, else from the files (exact, or sampled when large).
import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countChatTokens, countTokens } from "../../src/data/tokens.js";
import { readFile } from "node:fs/promises";
import { approxTokens, QWEN_TEMPLATE_TOKENS, recordText, tokensFromFiles, tokensFromStats } from "../../src/resources/sft-tokens.js";
import { parseRecords } from "../../src/tools/llamafactory/datasets.js";
import { sftStageSchema } from "../../src/stages/sft/config.js";

describe("SFT tokens", () => {
  it("the template allowance is what the qwen chat template adds around an empty exchange", () => {
    const empty = countChatTokens([
      { role: "user", content: "" },
      { role: "assistant", content: "" },
    ]);
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

  it("files: every record's estimate plus the template, capped at cutoff", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tok-"));
    // 10 CJK (6) + 3 digits (3) + 5 Latin letters (1.1) + 1 space (0.1) + 2 other (1.6) = 11.8 tokens
    const records = [{ instruction: "什么是市盈率什么是市", input: "", output: "123 abcde?!" }];
    await writeFile(join(dir, "d.json"), JSON.stringify(records));
    // recordText joins instruction and output with a newline (one more space-class character): 11.9 + 34.
    expect(approxTokens(recordText(records[0]))).toBeCloseTo(11.9, 5);
    const sft = sftStageSchema.parse({ datasets: ["d"], dataset_files: { d: { path: join(dir, "d.json") } } });
    expect(await tokensFromFiles(sft, 16384)).toMatchObject({ tokens: 46, records: 1 });
    expect(await tokensFromFiles(sft, 40)).toMatchObject({ tokens: 40 });
    const missing = sftStageSchema.parse({ datasets: ["d"], dataset_files: { d: { path: join(dir, "none.json") } } });
    expect(await tokensFromFiles(missing, 16384)).toBeUndefined();
  });

  it.each([
    "test/fixtures/data/cflue/application_open.json",
    "test/fixtures/data/cflue/knowledge_mcq.json",
    "test/fixtures/data/compliance/dialogues.jsonl",
    "test/fixtures/data/dianjin-r1/train/cflue_mcq.json",
  ])("the character estimate is within 20 percent of the exact Qwen2.5 tokenizer on %s", async (file) => {
    const texts = parseRecords(await readFile(file, "utf8"), file).map(recordText);
    const exact = texts.reduce((n, t) => n + countTokens(t), 0);
    const approx = texts.reduce((n, t) => n + approxTokens(t), 0);
    expect(Math.abs(approx - exact) / exact).toBeLessThanOrEqual(0.2);
  });
  it("big files are sampled: tokens and records per byte of the first MB, scaled to the size, within 5% of parsing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tok-big-"));
    const records = Array.from({ length: 3000 }, (_, i) => ({
      instruction: `问题 ${i}：某债券面值100元，票面利率5%，年利息为多少？`,
      input: "",
      output: `<think>\n${"面值乘以利率。".repeat(30 + (i % 20))}\n</think>\n\n<answer>\\boxed{A}</answer>`,
    }));
    await writeFile(join(dir, "big.json"), JSON.stringify(records));
    const sft = sftStageSchema.parse({ datasets: ["d"], dataset_files: { d: { path: join(dir, "big.json") } } });
    const parsed = (await tokensFromFiles(sft, 16384))!;
    const sampled = (await tokensFromFiles(sft, 16384, 1000))!;
    expect(parsed.records).toBe(3000);
    expect(sampled.source).toMatch(/first 1 MB/);
    expect(Math.abs(sampled.records - 3000) / 3000).toBeLessThanOrEqual(0.05);
    expect(Math.abs(sampled.tokens - parsed.tokens) / parsed.tokens).toBeLessThanOrEqual(0.05);
  });
});
