// Streaming Parquet writer for verl's RL data schema (what verl's RLHFDataset reads with `datasets`).
import { randomBytes } from "node:crypto";
import { rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { SchemaElement } from "hyparquet";
import { fileWriter, parquetWriteRows } from "hyparquet-writer";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One verl RL row. `extra_info.index` may be a number; it is written as INT64. */
export interface RlRow {
  data_source: string;
  prompt: ChatMessage[];
  ability: string;
  reward_model: { style: string; ground_truth: string };
  extra_info: { split: string; index: number | bigint };
}

export interface ParquetWriteResult {
  rows: number;
  bytes: number;
}

/** Rows per row group: big enough for good compression, small enough to keep memory flat (~20 MB of text). */
export const RL_PARQUET_ROW_GROUP_SIZE = 10_000;

export type RlParquetCompression = "snappy" | "gzip";

/**
 * Default codec. GZIP level 1 runs in Node's native zlib: on mixed Chinese/English prompts it is faster than
 * hyparquet-writer's pure-JS SNAPPY and gives smaller files; pyarrow, `datasets` and DuckDB all read it.
 */
export const RL_PARQUET_COMPRESSION: RlParquetCompression = "gzip";

const codecOptions = (compression: RlParquetCompression) =>
  compression === "gzip"
    ? { codec: "GZIP" as const, compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input, { level: 1 })) } }
    : { codec: "SNAPPY" as const };

const text = (name: string): SchemaElement => ({
  name,
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  repetition_type: "OPTIONAL",
});

// Explicit schema: without one hyparquet-writer stores objects as JSON strings. The prompt list uses the
// standard 3-level LIST layout (prompt / list / element), the same layout pyarrow writes.
export const RL_PARQUET_SCHEMA: SchemaElement[] = [
  { name: "root", num_children: 5 },
  text("data_source"),
  { name: "prompt", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", repetition_type: "OPTIONAL", num_children: 2 },
  text("role"),
  text("content"),
  text("ability"),
  { name: "reward_model", repetition_type: "OPTIONAL", num_children: 2 },
  text("style"),
  text("ground_truth"),
  { name: "extra_info", repetition_type: "OPTIONAL", num_children: 2 },
  text("split"),
  { name: "index", type: "INT64", repetition_type: "OPTIONAL" },
];

const COLUMNS = ["data_source", "prompt", "ability", "reward_model", "extra_info"].map((name) => ({ name }));

/** Check one row and return the object handed to the writer (index as BigInt, no extra keys). */
function toParquetRow(row: RlRow, position: number): Record<string, unknown> {
  const where = `RL row ${position}`;
  const str = (value: unknown, field: string): string => {
    if (typeof value !== "string") throw new TypeError(`${where}: ${field} must be a string, got ${typeof value}`);
    return value;
  };
  if (!Array.isArray(row.prompt) || row.prompt.length === 0) {
    throw new TypeError(`${where}: prompt must be a non-empty list of {role, content} messages`);
  }
  const index = row.extra_info?.index;
  if (typeof index !== "bigint" && !Number.isSafeInteger(index)) {
    throw new TypeError(`${where}: extra_info.index must be an integer, got ${String(index)}`);
  }
  return {
    data_source: str(row.data_source, "data_source"),
    prompt: row.prompt.map((m, i) => ({ role: str(m?.role, `prompt[${i}].role`), content: str(m?.content, `prompt[${i}].content`) })),
    ability: str(row.ability, "ability"),
    reward_model: {
      style: str(row.reward_model?.style, "reward_model.style"),
      ground_truth: str(row.reward_model?.ground_truth, "reward_model.ground_truth"),
    },
    extra_info: { split: str(row.extra_info?.split, "extra_info.split"), index: BigInt(index) },
  };
}

function isAsync<T>(rows: AsyncIterable<T> | Iterable<T>): rows is AsyncIterable<T> {
  return typeof (rows as AsyncIterable<T>)[Symbol.asyncIterator] === "function";
}

/**
 * Write RL rows to `path` as Parquet (GZIP level 1 by default, row groups of 10k), streaming: rows are pulled one row group
 * at a time, so memory does not grow with the row count. The file appears atomically: it is written to a
 * temporary name in the same folder and renamed when complete; on failure the temporary file is removed
 * and `path` is untouched.
 */
export async function writeRlParquet(
  path: string,
  rows: AsyncIterable<RlRow> | Iterable<RlRow>,
  options: { rowGroupSize?: number; compression?: RlParquetCompression } = {},
): Promise<ParquetWriteResult> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let count = 0;
  const source = isAsync(rows)
    ? (async function* () {
        for await (const row of rows) yield toParquetRow(row, count++);
      })()
    : (function* () {
        for (const row of rows) yield toParquetRow(row, count++);
      })();
  try {
    await parquetWriteRows({
      writer: fileWriter(temp),
      rows: source,
      columns: COLUMNS,
      schema: RL_PARQUET_SCHEMA,
      rowGroupSize: options.rowGroupSize ?? RL_PARQUET_ROW_GROUP_SIZE,
      ...codecOptions(options.compression ?? RL_PARQUET_COMPRESSION),
      createdBy: "dianjin-train (hyparquet-writer)",
      // Min/max statistics cost CPU (string comparisons over every value) and nothing reads them: verl loads whole files.
      statistics: false,
    });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return { rows: count, bytes: (await stat(path)).size };
}
