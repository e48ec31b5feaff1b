import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal, JournalError } from "../../src/llm/index.js";

const tmp = () => mkdtemp(join(tmpdir(), "journal-test-"));

describe("Journal", () => {
  it("appends durably and loads entries on reopen", async () => {
    const file = join(await tmp(), "sub", "j.jsonl");
    const j = await Journal.open<{ n: number }>(file);
    await Promise.all([j.append("a", { n: 1 }), j.append("b", { n: 2 })]);
    await j.close();
    const again = await Journal.open<{ n: number }>(file);
    expect(again.size).toBe(2);
    expect(again.get("b")).toEqual({ n: 2 });
    expect(again.truncatedBytes).toBe(0);
    await again.close();
  });

  it("never records a key twice", async () => {
    const file = join(await tmp(), "j.jsonl");
    const j = await Journal.open(file);
    await Promise.all([j.append("a", 1), j.append("a", 2)]);
    await j.append("a", 3);
    await j.close();
    expect((await readFile(file, "utf8")).trim().split("\n")).toEqual(['{"key":"a","value":1}']);
  });

  it("cuts off a torn last line left by a kill and keeps appending cleanly", async () => {
    const file = join(await tmp(), "j.jsonl");
    await writeFile(file, '{"key":"a","value":1}\n{"key":"b","val');
    const j = await Journal.open(file);
    expect(j.size).toBe(1);
    expect(j.truncatedBytes).toBe(15);
    await j.append("b", 2);
    await j.close();
    expect(await readFile(file, "utf8")).toBe('{"key":"a","value":1}\n{"key":"b","value":2}\n');
  });

  it("refuses a damaged complete line, naming file and line", async () => {
    const file = join(await tmp(), "j.jsonl");
    await writeFile(file, '{"key":"a","value":1}\nnot json\n');
    await appendFile(file, '{"key":"c","value":3}\n');
    const e = await Journal.open(file).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(JournalError);
    expect((e as Error).message).toContain(`${file}:2`);
  });
});
