#!/usr/bin/env node
// Benchmark: verify a 64 GB-class merged model folder (Qwen2.5-32B shapes, bf16) in well under a second,
// with memory that does not grow with model size. The shards are SPARSE files (header written, then
// ftruncate to full length), so the benchmark needs almost no disk. Uses the compiled dist/ (npm run build).
//
//   node scripts/bench/verify-safetensors.mjs [--runs 5] [--dir /tmp] [--quick]
//
// Each model size is measured in its own child process so peak RSS is comparable between sizes.

import { execFileSync } from "node:child_process";
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { full, QUICK } from "./lib.mjs";

const DIST = new URL("../../dist/tools/merge/index.js", import.meta.url);
const SHARD_BYTES = 4 * 1024 ** 3; // about what save_pretrained writes for Qwen2.5-32B (17 shards)

const CONFIGS = {
  "qwen2.5-0.5b": {
    hidden_size: 896,
    intermediate_size: 4864,
    num_hidden_layers: 24,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    vocab_size: 151936,
    tie_word_embeddings: true,
  },
  "qwen2.5-7b": {
    hidden_size: 3584,
    intermediate_size: 18944,
    num_hidden_layers: 28,
    num_attention_heads: 28,
    num_key_value_heads: 4,
    vocab_size: 152064,
    tie_word_embeddings: false,
  },
  "qwen2.5-32b": {
    hidden_size: 5120,
    intermediate_size: 27648,
    num_hidden_layers: 64,
    num_attention_heads: 40,
    num_key_value_heads: 8,
    vocab_size: 152064,
    tie_word_embeddings: false,
  },
};

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Writes header + sparse data for each shard, the index, config and tokenizer stubs. */
function buildSparseModel(dir, config, qwen2Tensors) {
  const tensors = qwen2Tensors(config).filter((t) => !t.optional);
  const shards = [];
  let current = [];
  let size = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
    if (current.length && size + bytes > SHARD_BYTES) {
      shards.push(current);
      current = [];
      size = 0;
    }
    current.push({ ...t, bytes });
    size += bytes;
  }
  shards.push(current);
  const weightMap = {};
  let total = 0;
  shards.forEach((entries, i) => {
    const file = `model-${String(i + 1).padStart(5, "0")}-of-${String(shards.length).padStart(5, "0")}.safetensors`;
    const header = { __metadata__: { format: "pt" } };
    let offset = 0;
    for (const t of entries) {
      header[t.name] = { dtype: "BF16", shape: t.shape, data_offsets: [offset, offset + t.bytes] };
      weightMap[t.name] = file;
      offset += t.bytes;
    }
    total += offset;
    let json = JSON.stringify(header);
    json += " ".repeat((8 - (json.length % 8)) % 8);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    const fd = openSync(join(dir, file), "w");
    writeSync(fd, len);
    writeSync(fd, json);
    ftruncateSync(fd, 8 + Buffer.byteLength(json) + offset); // sparse: no data blocks written
    closeSync(fd);
  });
  writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ architectures: ["Qwen2ForCausalLM"], model_type: "qwen2", torch_dtype: "bfloat16", ...config }));
  writeFileSync(join(dir, "tokenizer.json"), "{}");
  writeFileSync(join(dir, "tokenizer_config.json"), "{}");
  return { shards: shards.length, logicalBytes: total };
}

function diskBytes(dir, files) {
  return files.reduce((s, f) => s + statSync(join(dir, f)).blocks * 512, 0);
}

async function child(name, runs, base) {
  const { qwen2Tensors, verifyMergedModel } = await import(DIST.href);
  const dir = mkdtempSync(join(base, `dj-bench-${name}-`));
  try {
    const built = buildSparseModel(dir, CONFIGS[name], qwen2Tensors);
    const rssBefore = process.memoryUsage().rss;
    const times = [];
    let report;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      report = await verifyMergedModel(dir);
      times.push(performance.now() - t0);
    }
    if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
    const shardFiles = Array.from(
      { length: built.shards },
      (_, i) => `model-${String(i + 1).padStart(5, "0")}-of-${String(built.shards).padStart(5, "0")}.safetensors`,
    );
    process.stdout.write(
      JSON.stringify({
        name,
        params: report.params,
        files: report.files,
        logicalBytes: report.bytes,
        diskBytes: diskBytes(dir, shardFiles),
        timesMs: times,
        rssBeforeMiB: rssBefore / 2 ** 20,
        maxRssMiB: process.resourceUsage().maxRSS / 1024,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
}

async function main() {
  const runs = Number(arg("--runs", String(full(5, 1))));
  const base = arg("--dir", tmpdir());
  if (process.argv.includes("--child")) return child(arg("--child"), runs, base);
  const self = fileURLToPath(import.meta.url);
  const results = Object.keys(CONFIGS).map((name) =>
    JSON.parse(execFileSync(process.execPath, [self, "--child", name, "--runs", String(runs), "--dir", base], { encoding: "utf8" })),
  );
  console.log(`verifyMergedModel on sparse bf16 folders, ${runs} runs each (first run included)\n`);
  console.log("model         params           files  logical GB  on disk MB  median ms  min–max ms      peak RSS MiB");
  for (const r of results) {
    const t = stats(r.timesMs);
    console.log(
      `${r.name.padEnd(13)} ${r.params.toLocaleString("en-US").padEnd(16)} ${String(r.files).padStart(5)}  ${(r.logicalBytes / 1e9).toFixed(1).padStart(10)}  ${(r.diskBytes / 1e6).toFixed(2).padStart(10)}  ${t.median.toFixed(1).padStart(9)}  ${`${t.min.toFixed(1)}–${t.max.toFixed(1)}`.padEnd(14)}  ${r.maxRssMiB.toFixed(1).padStart(12)}`,
    );
  }
  const big = results.find((r) => r.name === "qwen2.5-32b");
  const med = stats(big.timesMs).median;
  console.log(`\n32B-class: median ${med.toFixed(1)} ms (target < 1000 ms): ${QUICK ? "not judged in quick mode" : med < 1000 ? "PASS" : "FAIL"}`);
  if (med >= 1000 && !QUICK) process.exitCode = 1;
}

await main();
