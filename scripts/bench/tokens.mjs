// Benchmark: Qwen2.5 token counting (countTokens / countChatTokens) throughput.
// Usage: npm run build && node scripts/bench/tokens.mjs [megabytes=1] [runs=5] [--quick]
// Each run is a fresh process so the one-time tokenizer load is measured too.
import { fileURLToPath } from "node:url";
import { stats as summary, runChildren, fmt, full } from "./lib.mjs";

function documents(megabytes, seed) {
  // ~2 KB documents of mixed text with a large vocabulary (runs of common-range CJK characters, made-up
  // English words, numbers), so the tokenizer's word cache does not make the numbers look better than real data.
  let a = seed;
  const rand = () => (a = (Math.imul(a ^ (a >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296;
  const int = (n) => Math.floor(rand() * n);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const seedBefore = a;
  a = 12345; // one English vocabulary for every document set, as in a real language
  const en = Array.from({ length: 3000 }, () => Array.from({ length: 2 + int(8) }, () => letters[int(26)]).join(""));
  a = seedBefore;
  const docs = [];
  let total = 0;
  while (total < megabytes * 1e6) {
    let d = "";
    while (Buffer.byteLength(d) < 2000) {
      if (rand() < 0.5) for (let k = 2 + int(7); k > 0; k--) d += String.fromCharCode(0x4e00 + int(3500));
      else d += " " + en[int(en.length)];
      const r = rand();
      if (r < 0.08) d += "，";
      else if (r < 0.12) d += `. ${int(100000) / 100}% `;
      else if (r < 0.14) d += "。\n";
    }
    docs.push(d);
    total += Buffer.byteLength(d);
  }
  return { docs, bytes: total };
}

async function child(megabytes) {
  const t0 = performance.now();
  const tokens = await import("../../dist/data/tokens.js");
  tokens.countTokens("warm-up");
  const loadSeconds = (performance.now() - t0) / 1000;
  const { docs, bytes } = documents(megabytes, 7);
  const chatDocs = documents(0.2, 11).docs; // fresh text, not seen by the warm cache
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  let count = 0;
  for (const d of docs) count += tokens.countTokens(d);
  const seconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const t2 = performance.now();
  let chats = 0;
  for (const d of chatDocs) chats += tokens.countChatTokens([{ role: "user", content: d }]);
  const chatSeconds = (performance.now() - t2) / 1000;
  console.log(
    JSON.stringify({
      docs: docs.length,
      bytes,
      count,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      loadSeconds,
      chatPerS: chatDocs.length / chatSeconds,
      chats,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

const [flag, ...rest] = process.argv.slice(2);
if (flag === "--child") {
  await child(Number(rest[0]));
} else {
  const mb = Number(flag ?? full(1, 0.05));
  const runs = Number(rest[0] ?? full(5, 1));
  const results = runChildren(fileURLToPath(import.meta.url), [String(mb)], runs);
  const r0 = results[0];
  console.log(`countTokens: ${r0.docs} documents, ${(r0.bytes / 1e6).toFixed(2)} MB, ${r0.count} tokens, ${runs} runs`);
  console.log(`  tokenizer load (first call): ${fmt(summary(results.map((r) => r.loadSeconds)), 2)} s`);
  console.log(`  tokens/s (wall):             ${fmt(summary(results.map((r) => r.count / r.seconds)))}`);
  console.log(`  tokens per CPU-second:       ${fmt(summary(results.map((r) => r.count / r.cpuSeconds)))}`);
  console.log(`  MB/s (wall):                 ${fmt(summary(results.map((r) => r.bytes / 1e6 / r.seconds)), 2)}`);
  console.log(`  countChatTokens calls/s (2 KB user message): ${fmt(summary(results.map((r) => r.chatPerS)))}`);
  console.log(`  peak RSS:                    ${fmt(summary(results.map((r) => r.peakRssMb)))} MB`);
  console.log(
    `  load average at the end: ${(await import("node:os"))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
}
