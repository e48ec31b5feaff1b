import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readBenchmark } from "../../../../src/stages/eval/engine/read-benchmark.js";
import { tempDir, writeFiles } from "../../../helpers/tmp.js";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/eval/", import.meta.url));

describe("readBenchmark", () => {
  it("reads native CFLUE items, builds a boxed-answer prompt and normalises the gold", async () => {
    const items = await readBenchmark("cflue", join(FIXTURES, "cflue.json"));
    expect(items.map((i) => i.gold)).toEqual(["A", "B", "AC", "B"]);
    expect(items[0]!.id).toBe("#0");
    expect(items[0]!.messages).toHaveLength(1);
    expect(items[0]!.messages[0]!.content).toContain("A. 短期国债");
    expect(items[0]!.messages[0]!.content).toContain("\\boxed{}");
    expect(items[2]!.messages[0]!.content).toContain("多选题");
  });

  it("reads native FinQA (table in the prompt, exe_ans as gold) and CCC dialogues", async () => {
    const finqa = await readBenchmark("finqa", join(FIXTURES, "finqa.json"));
    expect(finqa.map((i) => i.gold)).toEqual([42, 0.09364, "no"]);
    expect(finqa[0]!.id).toBe("ETR/2016/page_23.pdf-2");
    expect(finqa[0]!.messages[0]!.content).toContain("| 2016 | 142 |");
    expect(finqa[0]!.question).toMatch(/increase in revenue/);
    const ccc = await readBenchmark("ccc", join(FIXTURES, "ccc.jsonl"));
    expect(ccc.map((i) => [i.id, i.gold])).toEqual([
      ["ccc-0001", "violation"],
      ["ccc-0002", "compliant"],
    ]);
    expect(ccc[0]!.messages[0]!.content).toContain("customer：我要投诉");
  });

  it("takes ready-made records as they are, adds the system prompt, honours limit", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      "b.jsonl": [
        { id: 1, prompt: "Q1", answer: "A" },
        { instruction: "Q2", input: "ctx", label: "violation" },
        { messages: [{ role: "user", content: "Q3" }], answer: 3 },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    });
    const items = await readBenchmark("ccc", join(dir, "b.jsonl"), { systemPrompt: "SYS" });
    expect(items.map((i) => [i.id, i.gold, i.messages.map((m) => `${m.role}:${m.content}`)])).toEqual([
      ["1", "A", ["system:SYS", "user:Q1"]],
      ["#1", "violation", ["system:SYS", "user:Q2\nctx"]],
      ["#2", 3, ["system:SYS", "user:Q3"]],
    ]);
    expect(await readBenchmark("ccc", join(dir, "b.jsonl"), { limit: 2 })).toHaveLength(2);
  });

  it("names the file, record and field of a bad record", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      "dup.jsonl": '{"id":"a","prompt":"x","answer":"A"}\n{"id":"a","prompt":"y","answer":"B"}\n',
      "nogold.json": '[{"prompt":"x"}]',
      "empty.json": "[]",
    });
    await expect(readBenchmark("cflue", join(dir, "dup.jsonl"))).rejects.toThrow(/dup\.jsonl.*duplicate id/s);
    await expect(readBenchmark("cflue", join(dir, "nogold.json"))).rejects.toThrow(/answer/);
    await expect(readBenchmark("cflue", join(dir, "empty.json"))).rejects.toThrow(/no records/);
  });
});
