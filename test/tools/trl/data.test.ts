import { describe, expect, it } from "vitest";
import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toMessages, writeTrlDataset } from "../../../src/tools/trl/data.js";
import { tempDir, writeFiles } from "../../helpers/tmp.js";

describe("toMessages", () => {
  it("alpaca: system, history, instruction and input joined by a newline (as LLaMA-Factory does), output", () => {
    const record = { system: "be brief", history: [["hi", "hello"]], instruction: "Q", input: "ctx", output: "A" };
    expect(toMessages(record, { path: "x", formatting: "alpaca" })).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
      { role: "user", content: "Q\nctx" },
      { role: "assistant", content: "A" },
    ]);
    expect(toMessages({ q: "Q", a: "A" }, { path: "x", formatting: "alpaca", columns: { prompt: "q", response: "a" } })).toEqual([
      { role: "user", content: "Q" },
      { role: "assistant", content: "A" },
    ]);
  });

  it("sharegpt: turns by their role tags, custom tags and column", () => {
    const record = {
      turns: [
        { who: "u", text: "Q" },
        { who: "m", text: "A" },
        { who: "x", text: "ignored" },
      ],
    };
    const file = {
      path: "x",
      formatting: "sharegpt" as const,
      columns: { messages: "turns" },
      tags: { role_tag: "who", content_tag: "text", user_tag: "u", assistant_tag: "m" },
    };
    expect(toMessages(record, file)).toEqual([
      { role: "user", content: "Q" },
      { role: "assistant", content: "A" },
    ]);
  });
});

describe("writeTrlDataset", () => {
  it("writes one train.jsonl in dataset order, and again only when a source changed", async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      "a.json": JSON.stringify([{ instruction: "1", output: "x" }]),
      "b.jsonl": `${JSON.stringify({
        conversations: [
          { from: "human", value: "2" },
          { from: "gpt", value: "y" },
        ],
      })}\n`,
    });
    const datasets = [
      { path: join(dir, "a.json"), formatting: "alpaca" as const },
      { path: join(dir, "b.jsonl"), formatting: "sharegpt" as const },
    ];
    const out = join(dir, "trl-data");
    expect(await writeTrlDataset(out, datasets)).toBe(2);
    const lines = (await readFile(join(out, "train.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.messages[0].content)).toEqual(["1", "2"]);
    const written = (await stat(join(out, "train.jsonl"))).mtimeMs;
    expect(await writeTrlDataset(out, datasets)).toBeUndefined(); // same sources: not rewritten
    expect((await stat(join(out, "train.jsonl"))).mtimeMs).toBe(written);
    await writeFile(
      join(dir, "a.json"),
      JSON.stringify([
        { instruction: "1", output: "x" },
        { instruction: "3", output: "z" },
      ]),
    );
    await utimes(join(dir, "a.json"), new Date(), new Date(Date.now() + 5000));
    expect(await writeTrlDataset(out, datasets)).toBe(3);
  });
});
