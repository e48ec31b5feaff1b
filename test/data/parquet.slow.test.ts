// Memory must not grow with the row count: write 60k and 180k ~2 KB rows in fresh processes and compare
// peak RSS. Uses the compiled writer through scripts/bench/parquet.mjs, so `npm run build` must have run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BENCH = fileURLToPath(new URL("../../scripts/bench/parquet.mjs", import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL("../../dist/data/parquet.js", import.meta.url)));

function run(rows: number): { rows: number; peakRssMb: number } {
  const out = execFileSync(process.execPath, [BENCH, "--child", String(rows)], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop() as string);
}

describe("writeRlParquet memory", () => {
  it("peak RSS stays flat from 60k to 180k rows and under 400 MB", (ctx) => {
    ctx.skip(!BUILT, "dist/ is not built (npm run build)");
    const small = run(60_000);
    const large = run(180_000);
    expect(small.rows).toBe(60_000);
    expect(large.rows).toBe(180_000);
    expect(large.peakRssMb).toBeLessThan(400);
    expect(large.peakRssMb - small.peakRssMb).toBeLessThan(60);
  });
});
