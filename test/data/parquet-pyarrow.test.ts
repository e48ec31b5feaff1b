// Read the file the way verl does (Hugging Face `datasets` on pyarrow) when such a Python is available.
// Set DIANJIN_TEST_PYTHON to an interpreter that has pyarrow + datasets; without one the test is skipped.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeRlParquet, type RlRow } from "../../src/data/parquet.js";

const PYTHON = process.env.DIANJIN_TEST_PYTHON ?? "python3";
function hasDatasets(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import pyarrow, datasets"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), "rl-pyarrow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const READ = `
import json, sys
import pyarrow.parquet as pq
from datasets import load_dataset
schema = pq.read_schema(sys.argv[1])
ds = load_dataset("parquet", data_files=sys.argv[1], split="train")
print(json.dumps({"schema": {f.name: str(f.type) for f in schema}, "features": str(ds.features), "rows": ds.to_list()}, ensure_ascii=False))
`;

describe("verl-side read", () => {
  it("datasets.load_dataset reads the rows back unchanged", async (ctx) => {
    ctx.skip(!hasDatasets(), `${PYTHON} lacks pyarrow/datasets (set DIANJIN_TEST_PYTHON to an interpreter that has them)`);
    const path = join(dir, "train.parquet");
    const rows: RlRow[] = Array.from({ length: 50 }, (_, i) => ({
      data_source: "cflue_mcq",
      prompt: [
        { role: "system", content: "你是金融专家。" },
        { role: "user", content: `第${i}题 \\boxed{} 😀` },
      ],
      ability: "finance",
      reward_model: { style: "rule", ground_truth: "ABD" },
      extra_info: { split: "train", index: i },
    }));
    await writeRlParquet(path, rows);
    const out = JSON.parse(
      execFileSync(PYTHON, ["-c", READ, path], { encoding: "utf8", env: { ...process.env, HF_DATASETS_OFFLINE: "1", HF_HOME: join(dir, "hf") } }),
    );
    expect(out.schema).toEqual({
      data_source: "string",
      prompt: "list<element: struct<role: string, content: string>>",
      ability: "string",
      reward_model: "struct<style: string, ground_truth: string>",
      extra_info: "struct<split: string, index: int64>",
    });
    expect(out.rows).toEqual(rows.map((r) => ({ ...r, extra_info: { ...r.extra_info } })));
  });
});
