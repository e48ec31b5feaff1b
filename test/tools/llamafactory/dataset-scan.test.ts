// The streaming dataset scan: records split across read chunks, strict UTF-8 with byte offsets, every record checked.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { scanDataset } from "../../../src/tools/llamafactory/dataset-scan.js";
import { checkDatasetFile } from "../../../src/tools/llamafactory/datasets.js";
import { tempDir } from "../../helpers/tmp.js";

const objectCheck = (r: unknown, i: number) => (r && typeof r === "object" && !Array.isArray(r) ? undefined : `record ${i} is not an object`);
const alpaca = { formatting: "alpaca" as const };

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, content);
  return path;
}

describe("scanDataset", () => {
  it("counts rows and fingerprints in one pass, with records, strings and escapes spanning 1 MiB chunks", async () => {
    // Strings with \" and \\ near chunk edges, multi-byte characters cut by the edge, nested brackets in strings.
    const records = Array.from({ length: 30_000 }, (_, i) => ({
      instruction: `问题 ${i} "quoted" \\ back ] } [ {`,
      input: "x".repeat(i % 97),
      output: `答案\\${i}`,
    }));
    const jsonText = JSON.stringify(records);
    const json = await file("a.json", jsonText);
    const jsonl = await file("a.jsonl", records.map((r) => JSON.stringify(r)).join("\n") + "\n\n");
    const scanned = await scanDataset(json, objectCheck);
    expect(scanned).toMatchObject({ rows: 30_000, problems: [], badRecords: 0 });
    expect(scanned.sha256).toBe(createHash("sha256").update(jsonText).digest("hex"));
    expect(await scanDataset(jsonl, objectCheck)).toMatchObject({ rows: 30_000, problems: [], badRecords: 0 });
  });

  it("names the file, the byte offset and a likely encoding for bytes that are not UTF-8", async () => {
    const head = Buffer.from('[{"instruction": "a", "output": "');
    const gbk = await file("gbk.json", Buffer.concat([head, Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from('"}]')]));
    const result = await scanDataset(gbk, objectCheck);
    expect(result.problems[0]).toBe(`${gbk}: not UTF-8 at byte ${head.length}; it looks like GB18030/GBK (convert it, e.g. iconv -f GB18030 -t UTF-8)`);
    const latin = await file("l.jsonl", Buffer.concat([Buffer.from('{"instruction": "caf'), Buffer.from([0xe9]), Buffer.from(' au lait", "output": "x"}\n')]));
    expect((await scanDataset(latin, objectCheck)).problems[0]).toMatch(/not UTF-8 at byte 20; it looks like Latin-1/);
  });

  it("reports broken structure with where it broke", async () => {
    expect((await scanDataset(await file("o.json", '{"a": 1}'), objectCheck)).problems[0]).toMatch(/expected a JSON array of records at byte 0/);
    expect((await scanDataset(await file("c.json", '[{"a": 1}, {"a": '), objectCheck)).problems[0]).toMatch(/ends before the closing \]/);
    expect((await scanDataset(await file("j.jsonl", '{"a": 1}\n{"a": \n'), objectCheck)).problems[0]).toMatch(/record 1 \(byte 9\) is not valid JSON/);
  });
});

describe("checkDatasetFile (streamed)", () => {
  it("checks every record's columns, not a sample, and counts the unusable ones", async () => {
    const records = Array.from({ length: 5000 }, (_, i) => (i === 4321 || i === 4400 ? { instruction: "q" } : { instruction: "q", output: "a" }));
    const path = await file("late.json", JSON.stringify(records));
    const problems = await checkDatasetFile("late", { path, ...alpaca }, "stages.sft.dataset_files.late.path");
    expect(problems[0]!.message).toMatch(/record 4321 has no string field "output" \(byte \d+\) \(formatting alpaca\)/);
    expect(problems.at(-1)!.message).toMatch(/2 of 5000 records are unusable/);
  });
});
