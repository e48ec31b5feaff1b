// Progress parsing of a 200 MB trainer_log.jsonl: throughput (MB/s) and peak RSS growth. Target ≥ 100 MB/s, flat memory.
// Usage: npm run build && node --expose-gc scripts/bench/trainer-log.mjs [--quick]   (MB=n for another size)
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { TrainerLogReader } from "../../dist/tools/llamafactory/progress.js";
import { full, stats, show } from "./lib.mjs";

const targetMB = Number(process.env.MB ?? full(200, 2));
const dir = await mkdtemp(join(tmpdir(), "bench-trainer-log-"));
const file = join(dir, "trainer_log.jsonl");
const out = createWriteStream(file);
let written = 0;
for (let step = 1; written < targetMB * 1e6; step++) {
  const line = `${JSON.stringify({ current_steps: step, total_steps: 10_000_000, loss: 1 / Math.sqrt(step), lr: 1e-5 * (1 - step / 1e7), epoch: step / 1e5, percentage: step / 1e5, elapsed_time: "1 day, 2:03:04", remaining_time: "12 days, 3:04:05" })}\n`;
  written += line.length;
  if (!out.write(line)) await once(out, "drain");
}
out.end();
await once(out, "finish");
const size = (await stat(file)).size;

const rates = [];
let peakGrowth = 0;
for (let run = 0; run < full(5, 1); run++) {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  let entries = 0;
  const reader = new TrainerLogReader(file);
  const t = process.hrtime.bigint();
  await reader.poll(() => {
    if (++entries % 200_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  rates.push(size / 1e6 / seconds);
  peakGrowth = Math.max(peakGrowth, (peak - before) / 2 ** 20);
}
show(`trainer_log.jsonl ${(size / 1e6).toFixed(0)} MB, poll (live progress: newest entry, replays noticed)`, stats(rates), "MB/s");

// Every line parsed (what a loss curve for the report needs).
const all = [];
for (let run = 0; run < full(3, 1); run++) {
  const reader = new TrainerLogReader(file);
  const t = process.hrtime.bigint();
  let n = 0;
  await reader.pollAll(() => n++);
  all.push(size / 1e6 / (Number(process.hrtime.bigint() - t) / 1e9));
}
show("pollAll (every line parsed)", stats(all), "MB/s");
console.log(`peak RSS growth while parsing: ${peakGrowth.toFixed(1)} MiB (file ${(size / 2 ** 20).toFixed(0)} MiB)`);
await rm(dir, { recursive: true, force: true });
