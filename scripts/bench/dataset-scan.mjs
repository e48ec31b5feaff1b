#!/usr/bin/env node
// Streaming dataset validation (the SFT pre-flight's scan): throughput and peak RSS on a large JSON Lines file and a
// large JSON array, generated into a temp folder. Each scan runs in a fresh process (peak RSS = that process's
// maxRSS). Side by side, the bound: the same process only reading + sha256-hashing the file (what any check costs).
// Targets: peak RSS < 256 MB, throughput >= 150 MB/s.
//
// usage: npm run build && node scripts/bench/dataset-scan.mjs [--gb 5] [--runs 3] [--dir /tmp] [--quick]
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { full, runChildren, stats, show } from "./lib.mjs";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]?.startsWith("--") ? "1" : all[i + 1]]] : acc), []),
);

if (args.child) {
  const file = args.file;
  const started = process.hrtime.bigint();
  let rows = 0;
  if (args.mode === "scan") {
    // The same call the SFT pre-flight makes (checkDatasetFile) for alpaca data.
    const { scanDataset, columnsQuickCheck } = await import(pathToFileURL(join(REPO, "dist/tools/llamafactory/dataset-scan.js")).href);
    const check = (r, i) => (r && typeof r.instruction === "string" && typeof r.output === "string" ? undefined : `record ${i} has no string field "output"`);
    const quick = columnsQuickCheck([
      { name: "instruction", kind: "string" },
      { name: "output", kind: "string" },
    ]);
    const result = await scanDataset(file, check, { quick });
    if (result.problems.length) throw new Error(result.problems.join("; "));
    rows = result.rows;
  } else {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk);
    hash.digest("hex");
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = (await stat(file)).size;
  console.log(JSON.stringify({ seconds, bytes, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const GB = Number(args.gb ?? full(5, 0.005));
const RUNS = Number(args.runs ?? full(3, 1));
const dir = await mkdtemp(join(args.dir ?? tmpdir(), "dianjin-scan-bench-"));

/** Writes about `bytes` of SFT records (Chinese and ASCII text, escapes), as JSON Lines or one JSON array. */
async function generate(path, bytes, array) {
  const out = createWriteStream(path, { highWaterMark: 4 << 20 });
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once("drain", r)));
  let written = 0;
  let i = 0;
  if (array) await write("[\n");
  while (written < bytes) {
    const record = {
      instruction: `问题 ${i}: 某公司 2023 年营业收入为 ${i * 7} 万元，"净利润" 率是多少？\\n请给出计算过程。`,
      input: "",
      output: `<think>\n计算 ${i} / 100 ...\n</think>\n\n<answer>\\boxed{${i % 97}}</answer>`,
    };
    const line = `${array && i ? ",\n" : ""}${JSON.stringify(record)}${array ? "" : "\n"}`;
    written += Buffer.byteLength(line);
    i++;
    await write(line);
  }
  if (array) await write("\n]\n");
  await new Promise((r) => out.end(r));
}

try {
  const script = fileURLToPath(import.meta.url);
  for (const [name, array] of [
    ["jsonl", false],
    ["json", true],
  ]) {
    const file = join(dir, `sft.${name}`);
    await generate(file, GB * 1e9, array);
    const size = (await stat(file)).size;
    console.log(`\n${name}: ${(size / 1e9).toFixed(2)} GB`);
    const bound = runChildren(script, ["--mode", "hash", "--file", file], RUNS);
    const scan = runChildren(script, ["--mode", "scan", "--file", file], RUNS);
    const mbps = (r) => r.bytes / 1e6 / r.seconds;
    show(`  read+sha256 only (bound)`, stats(bound.map(mbps)), "MB/s");
    show(`  scan (UTF-8 + columns of every record + rows + sha256)`, stats(scan.map(mbps)), "MB/s");
    show(`  scan peak RSS`, stats(scan.map((r) => r.maxRssMb)), "MB");
    console.log(`  rows ${scan[0].rows}; scan / bound = ${(stats(scan.map(mbps)).median / stats(bound.map(mbps)).median).toFixed(2)}`);
    await rm(file);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
