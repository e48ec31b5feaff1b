import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeRlParquet, type RlRow } from "../../src/data/parquet.js";

const dir = mkdtempSync(join(tmpdir(), "rl-parquet-"));
let db: Awaited<ReturnType<DuckDBInstance["connect"]>>;
beforeAll(async () => {
  db = await (await DuckDBInstance.create(":memory:")).connect();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const query = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJS();
const lit = (path: string) => `'${path.replace(/'/g, "''")}'`;

function makeRow(i: number): RlRow {
  const prompt: RlRow["prompt"] = [];
  if (i % 3 === 0) prompt.push({ role: "system", content: i % 2 ? "" : "你是金融专家。" });
  prompt.push({ role: "user", content: `第${i}题 😀 "quotes" \\boxed{} ${"長".repeat(i % 50)}\n选项：A. x` });
  return {
    data_source: i % 2 ? "cflue_mcq" : "cflue/other",
    prompt,
    ability: "finance",
    reward_model: { style: "rule", ground_truth: "ABCD".slice(0, 1 + (i % 4)) },
    extra_info: { split: i % 5 ? "train" : "val", index: i === 7 ? 2n ** 60n : i },
  };
}

describe("writeRlParquet", () => {
  it("writes verl's nested schema that DuckDB reads back field by field", async () => {
    const path = join(dir, "train.parquet");
    const rows = Array.from({ length: 2500 }, (_, i) => makeRow(i));
    const result = await writeRlParquet(path, rows, { rowGroupSize: 1000 });
    expect(result.rows).toBe(2500);
    expect(result.bytes).toBe(readFileSync(path).length);

    const types = Object.fromEntries((await query(`DESCRIBE SELECT * FROM read_parquet(${lit(path)})`)).map((r) => [r.column_name, r.column_type]));
    expect(types).toEqual({
      data_source: "VARCHAR",
      prompt: 'STRUCT("role" VARCHAR, "content" VARCHAR)[]',
      ability: "VARCHAR",
      reward_model: "STRUCT(style VARCHAR, ground_truth VARCHAR)",
      extra_info: 'STRUCT(split VARCHAR, "index" BIGINT)',
    });

    const back = await query(`SELECT * FROM read_parquet(${lit(path)}) ORDER BY extra_info."index"`);
    const expected = [...rows].sort((a, b) => (BigInt(a.extra_info.index) < BigInt(b.extra_info.index) ? -1 : 1));
    expect(back).toHaveLength(expected.length);
    back.forEach((row, k) => {
      const want = expected[k] as RlRow;
      expect(row.data_source).toBe(want.data_source);
      expect(row.prompt).toEqual(want.prompt);
      expect(row.ability).toBe(want.ability);
      expect(row.reward_model).toEqual(want.reward_model);
      expect(row.extra_info).toEqual({ split: want.extra_info.split, index: BigInt(want.extra_info.index) });
    });

    const groups = await query(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(${lit(path)})`);
    expect(Number(groups[0]?.n)).toBe(3);
    const list = await query(`SELECT name FROM parquet_schema(${lit(path)})`);
    expect(list.map((r) => r.name)).toEqual(expect.arrayContaining(["prompt", "list", "element", "role", "content"]));
  });

  it.each(["gzip", "snappy"] as const)("writes %s-compressed files DuckDB reads", async (compression) => {
    const path = join(dir, `${compression}.parquet`);
    const rows = Array.from({ length: 200 }, (_, i) => ({ ...makeRow(i), extra_info: { split: "train", index: i } }));
    await writeRlParquet(path, rows, { compression });
    const codecs = await query(`SELECT DISTINCT compression FROM parquet_metadata(${lit(path)})`);
    expect(codecs.map((r) => r.compression)).toEqual([compression.toUpperCase()]);
    const back = await query(`SELECT prompt, reward_model FROM read_parquet(${lit(path)}) ORDER BY extra_info."index"`);
    expect(back.map((r) => r.prompt)).toEqual(rows.map((r) => r.prompt));
  });

  it("streams from an async iterable and leaves no temporary file", async () => {
    const path = join(dir, "async.parquet");
    async function* rows() {
      for (let i = 0; i < 300; i++) yield makeRow(i);
    }
    expect(await writeRlParquet(path, rows(), { rowGroupSize: 128 })).toMatchObject({ rows: 300 });
    const n = await query(`SELECT count(*) AS n FROM read_parquet(${lit(path)})`);
    expect(Number(n[0]?.n)).toBe(300);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("writes a valid empty file for no rows", async () => {
    const path = join(dir, "empty.parquet");
    expect(await writeRlParquet(path, [])).toMatchObject({ rows: 0 });
    const n = await query(`SELECT count(*) AS n FROM read_parquet(${lit(path)})`);
    expect(Number(n[0]?.n)).toBe(0);
  });

  it("keeps the old file and removes the temporary one when the source fails midway", async () => {
    const path = join(dir, "atomic.parquet");
    writeFileSync(path, "previous");
    function* rows() {
      for (let i = 0; i < 50; i++) yield makeRow(i);
      throw new Error("source broke");
    }
    await expect(writeRlParquet(path, rows(), { rowGroupSize: 10 })).rejects.toThrow("source broke");
    expect(readFileSync(path, "utf8")).toBe("previous");
    expect(readdirSync(dir).filter((f) => f.startsWith(".atomic"))).toEqual([]);
  });

  it("rejects malformed rows with the row number and field", async () => {
    const path = join(dir, "bad.parquet");
    const bad = { ...makeRow(1), reward_model: { style: "rule", ground_truth: 3 } } as unknown as RlRow;
    await expect(writeRlParquet(path, [makeRow(0), bad])).rejects.toThrow("RL row 1: reward_model.ground_truth must be a string");
    await expect(writeRlParquet(path, [{ ...makeRow(0), prompt: [] }])).rejects.toThrow("prompt must be a non-empty list");
    await expect(writeRlParquet(path, [{ ...makeRow(0), extra_info: { split: "train", index: 1.5 } }])).rejects.toThrow("extra_info.index must be an integer");
    expect(existsSync(path)).toBe(false);
  });
});
