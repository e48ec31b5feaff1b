// Benchmark: the data stage's statistics table (sftStats: exact Qwen2.5 token counts of question, reasoning and
// answer per record) on generated SFT records of mixed Chinese/English text.
// Usage: npm run build && node scripts/bench/token-stats.mjs [megabytes=50] [runs=3] [workers=auto] [--quick]
// Each run is a fresh process (tokenizer load measured apart); prints the median and the spread over runs.
// workers=1 counts on the main thread (sftStats); more uses the worker-thread pool the data stage uses.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { full, stats } from "./lib.mjs";

/** Records of ~3 KB: a question, a long reasoning and a short answer, drawn from a large mixed vocabulary. */
function records(megabytes, seed) {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (n) => Math.floor(rand() * n);
  const words = Array.from({ length: 4000 }, () => Array.from({ length: 2 + pick(9) }, () => String.fromCharCode(97 + pick(26))).join(""));
  const text = (bytes) => {
    let out = "";
    while (Buffer.byteLength(out) < bytes) {
      const r = rand();
      if (r < 0.55) for (let k = 1 + pick(6); k > 0; k--) out += String.fromCharCode(0x4e00 + pick(4000));
      else if (r < 0.9) out += ` ${words[pick(words.length)]}`;
      else if (r < 0.95) out += ` ${pick(100000) / 100}%`;
      else out += pick(2) ? "，" : "。\n";
    }
    return out;
  };
  const list = [];
  let total = 0;
  while (total < megabytes * 1e6) {
    const rec = {
      instruction: text(300),
      input: "",
      output: `<think>\n${text(2400)}\n</think>\n\n<answer>\n${text(250)} \\boxed{${"ABCD"[pick(4)]}}\n</answer>`,
    };
    total += Buffer.byteLength(rec.instruction) + Buffer.byteLength(rec.output);
    list.push(rec);
  }
  return { list, bytes: total };
}

async function child(megabytes, workersArg) {
  const t0 = performance.now();
  const { statsRow } = await import("../../dist/data/stats.js");
  const { partialInParallel, statsWorkerCount } = await import("../../dist/stages/data/recipe/stats-pool.js");
  const workers = workersArg === "auto" ? statsWorkerCount() : Number(workersArg);
  const { countTokens } = await import("../../dist/data/tokens.js");
  countTokens("warm-up 预热");
  const loadSeconds = (performance.now() - t0) / 1000;
  const { list, bytes } = records(megabytes, 20251124);
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  const row = statsRow("SFT", { set: "CFLUE_MCQ", name: "bench", lang: "zh" }, await partialInParallel("sft", list, workers));
  const seconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const tokens = Math.round(row.size * (row.question + row.reasoning + row.answer));
  console.log(
    JSON.stringify({
      workers,
      records: row.size,
      bytes,
      tokens,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      loadSeconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

const [first, ...rest] = process.argv.slice(2);
if (first === "--child") {
  await child(Number(rest[0]), rest[1] ?? "auto");
} else {
  const megabytes = Number(first ?? full(50, 0.2));
  const runs = Number(rest[0] ?? full(3, 1));
  const workers = rest[1] ?? "auto";
  const script = fileURLToPath(import.meta.url);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["--max-old-space-size=4096", script, "--child", String(megabytes), workers], {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    results.push(JSON.parse(out.trim().split("\n").pop()));
  }
  const show = (label, values, unit, digits) => {
    const s = stats(values);
    console.log(`  ${label}: median ${s.median.toFixed(digits)} ${unit} (min ${s.min.toFixed(digits)}, max ${s.max.toFixed(digits)}, n=${s.n})`);
  };
  const r0 = results[0];
  console.log(
    `statistics (${r0.workers} worker${r0.workers === 1 ? ", main thread" : "s"}) on ${r0.records} records, ${(r0.bytes / 1e6).toFixed(1)} MB mixed zh/en, ${r0.tokens} Qwen2.5 tokens, ${runs} runs:`,
  );
  show(
    "MB/s (wall)",
    results.map((r) => r.bytes / 1e6 / r.seconds),
    "MB/s",
    2,
  );
  show(
    "tokens/s (wall)",
    results.map((r) => r.tokens / r.seconds),
    "tokens/s",
    0,
  );
  show(
    "records/s (wall)",
    results.map((r) => r.records / r.seconds),
    "records/s",
    0,
  );
  show(
    "tokens per CPU-second (all threads)",
    results.map((r) => r.tokens / r.cpuSeconds),
    "tokens/s",
    0,
  );
  show(
    "wall time",
    results.map((r) => r.seconds),
    "s",
    1,
  );
  show(
    "tokenizer load",
    results.map((r) => r.loadSeconds),
    "s",
    2,
  );
  show(
    "peak RSS",
    results.map((r) => r.peakRssMb),
    "MB",
    0,
  );
  console.log(
    `  load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} (machine shared with other jobs)`,
  );
}
