// Benchmark: writeRlParquet throughput and peak memory on ~2 KB verl RL rows.
// Usage: npm run build && node scripts/bench/parquet.mjs [rows=100000] [runs=5] [codec=gzip|snappy] [--quick]
// Each run is a fresh process (so peak RSS is per run); rows are generated lazily, never all in memory.
import { rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stats as summary, runChildren, fmt, full, QUICK } from "./lib.mjs";

const TARGET_ROWS_PER_S = 15_000;
const TARGET_PEAK_RSS_MB = 400;

function corpus(seed) {
  // ~1 MB of mixed English/Chinese/digits; rows slice it at pseudo-random offsets so text is not repetitive.
  let a = seed >>> 0;
  const rand = () => (a = (Math.imul(a ^ (a >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296;
  const words = ["equity", "liability", "interest", "bond", "yield", "capital", "ratio", "market", "risk", "asset"];
  let s = "";
  while (s.length < 1_000_000) {
    if (rand() < 0.5) s += words[Math.floor(rand() * words.length)] + " ";
    else s += String.fromCharCode(0x4e00 + Math.floor(rand() * 2000));
    if (rand() < 0.05) s += Math.floor(rand() * 100000) + " ";
  }
  return { s, rand };
}

function* rows(count) {
  const { s, rand } = corpus(42);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(rand() * (s.length - 3000));
    const system = "你是一位金融领域的专家。";
    // ~1,450 chars of the mixed corpus is about 2 KB of UTF-8.
    const user = `第${i}题：${s.slice(at, at + 1450)}\n选项：\nA. 甲\nB. 乙\nC. 丙\nD. 丁`;
    yield {
      data_source: "cflue_mcq",
      prompt: [
        { role: "system", content: system },
        { role: "user", content: user },
      ],
      ability: "finance",
      reward_model: { style: "rule", ground_truth: "ABCD".slice(0, 1 + (i % 4)) },
      extra_info: { split: i % 20 ? "train" : "val", index: i },
    };
  }
}

async function child(count, compression) {
  const { writeRlParquet } = await import("../../dist/data/parquet.js");
  const dir = mkdtempSync(join(tmpdir(), "bench-parquet-"));
  try {
    let textBytes = 0;
    const t0 = performance.now();
    for (const r of rows(count)) textBytes += Buffer.byteLength(r.prompt[1].content) + Buffer.byteLength(r.prompt[0].content);
    const genSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await writeRlParquet(join(dir, "train.parquet"), rows(count), compression ? { compression } : {});
    const seconds = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify({ rows: result.rows, bytes: result.bytes, seconds, cpuSeconds, genSeconds, rowBytes: textBytes / count, peakRssMb }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [flag, ...rest] = process.argv.slice(2);
if (flag === "--child") {
  await child(Number(rest[0]), rest[1]);
} else {
  const count = Number(flag ?? full(100_000, 2_000));
  const runs = Number(rest[0] ?? full(5, 1));
  const codec = rest[1] ?? "";
  const results = runChildren(fileURLToPath(import.meta.url), [String(count), codec], runs);
  const rate = summary(results.map((r) => r.rows / r.seconds));
  const cpuRate = summary(results.map((r) => r.rows / r.cpuSeconds));
  const rss = summary(results.map((r) => r.peakRssMb));
  const secs = summary(results.map((r) => r.seconds));
  const gen = summary(results.map((r) => r.genSeconds));
  console.log(
    `writeRlParquet: ${count} rows of ~${Math.round(results[0].rowBytes)} B text, ${runs} runs, codec ${codec || "default"}, file ${(results[0].bytes / 1e6).toFixed(1)} MB`,
  );
  console.log(`  wall time (incl. lazy row generation): ${fmt(secs, 2)} s`);
  console.log(`  row generation alone:                  ${fmt(gen, 2)} s`);
  console.log(`  rows/s (incl. generation):             ${fmt(rate)}   target >= ${TARGET_ROWS_PER_S}`);
  console.log(`  peak RSS:                              ${fmt(rss)} MB   target < ${TARGET_PEAK_RSS_MB}`);
  console.log(`  rows per CPU-second (all threads):      ${fmt(cpuRate)}`);
  console.log(
    `  load average at the end: ${(await import("node:os"))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} on ${(await import("node:os")).cpus().length} cores`,
  );
  const ok = rate.median >= TARGET_ROWS_PER_S && rss.max < TARGET_PEAK_RSS_MB;
  if (QUICK) console.log("  (quick mode: targets not judged)");
  else console.log(ok ? "  PASS" : "  BELOW TARGET");
  process.exitCode = ok || QUICK ? 0 : 1;
}
