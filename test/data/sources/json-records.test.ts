import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { collect, readJsonRecords } from "../../../src/data/sources/index.js";

const dir = await mkdtemp(join(tmpdir(), "json-records-"));
async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}
async function problem(path: string): Promise<string> {
  const e = await collect(readJsonRecords(path)).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return (e as ConfigError).message;
}

const records = [{ a: '中文 {not a brace} "quoted" \\ back', n: [1, { x: [] }] }, { a: "second" }, { a: "第三条记录" }];

describe("readJsonRecords", () => {
  it("streams a JSON array, whatever the chunk boundaries (even inside a UTF-8 character)", async () => {
    const path = await file("array.json", JSON.stringify(records, null, 2));
    for (const chunkBytes of [1, 3, 7, 1 << 20]) {
      const got = await collect(readJsonRecords(path, { chunkBytes }));
      expect(got.map((r) => r.value)).toEqual(records);
      expect(got.map((r) => r.index)).toEqual([0, 1, 2]);
    }
  });

  it("reads JSON Lines, skipping blank lines and giving line numbers", async () => {
    const path = await file("lines.jsonl", `${JSON.stringify(records[0])}\n\n${JSON.stringify(records[1])}\r\n${JSON.stringify(records[2])}`);
    const got = await collect(readJsonRecords(path, { chunkBytes: 5 }));
    expect(got.map((r) => [r.index, r.line])).toEqual([
      [0, 1],
      [1, 3],
      [2, 4],
    ]);
    expect(got[2]!.value).toEqual(records[2]);
  });

  it("skips a UTF-8 byte-order mark and reads an empty array", async () => {
    expect(
      (await collect(readJsonRecords(await file("bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')]))))).map((r) => r.value),
    ).toEqual([{ a: 1 }]);
    expect(await collect(readJsonRecords(await file("empty-array.json", " [ ] \n")))).toEqual([]);
  });

  it("names the record that a truncated file ends in", async () => {
    const text = JSON.stringify(records);
    const msg = await problem(await file("truncated.json", text.slice(0, text.length - 5)));
    expect(msg).toContain("truncated.json");
    expect(msg).toContain("record 2");
    expect(msg).toContain("truncated");
    expect(await problem(await file("no-close.json", `${JSON.stringify(records).slice(0, -1)}`))).toMatch(/before the closing \] after 3 records/);
  });

  it("names the record holding GBK bytes", async () => {
    const gbk = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]); // "中文" in GBK
    const path = await file("gbk.json", Buffer.concat([Buffer.from('[{"a":"ok"},{"a":"'), gbk, Buffer.from('"}]')]));
    const msg = await problem(path);
    expect(msg).toContain("gbk.json");
    expect(msg).toContain("record 1");
    expect(msg).toContain("not valid UTF-8");
    expect(msg).toContain("GBK");
  });

  it("rejects UTF-16 files, empty files, missing files, trailing commas, non-objects and trailing garbage", async () => {
    expect(await problem(await file("utf16.json", Buffer.from("\ufeff[]", "utf16le")))).toContain("UTF-16");
    expect(await problem(await file("empty.json", ""))).toContain("empty");
    expect(await problem(join(dir, "absent.json"))).toContain("not found");
    expect(await problem(await file("comma.json", '[{"a":1},]'))).toContain("trailing comma");
    expect(await problem(await file("scalar.json", '[{"a":1}, 2]'))).toContain("record 1 (line 1): is not a JSON object");
    expect(await problem(await file("garbage.json", '[{"a":1}] x'))).toContain("after the closing ]");
    expect(await problem(await file("badjson.json", '[{"a":tru}]'))).toContain("record 0 (line 1): invalid JSON");
    expect(await problem(await file("nonjson.txt", "hello"))).toContain("expected a JSON array");
  });

  it("reports a torn last JSON Lines record with its line", async () => {
    const msg = await problem(await file("torn.jsonl", '{"a":1}\n{"a":2}\n{"a":'));
    expect(msg).toContain("record 2 (line 3)");
    expect(msg).toContain("torn or truncated");
  });

  it("streams a large array without parsing it as one string", async () => {
    const n = 20_000;
    const big = `[${Array.from({ length: n }, (_, i) => JSON.stringify({ i, text: "示例文本".repeat(20) })).join(",\n")}]`;
    const path = await file("big.json", big);
    let count = 0;
    let last = -1;
    for await (const r of readJsonRecords(path)) {
      count++;
      last = r.value["i"] as number;
    }
    expect(count).toBe(n);
    expect(last).toBe(n - 1);
  });
});
