#!/usr/bin/env node
// Requests paid twice per kill -9: a child runs chat requests through runJournaled (concurrency 64, streaming,
// journal with group commit) against the stand-in server; the child is killed with SIGKILL at a random moment;
// re-paid = answers the server finished sending − answers on disk in the journal (those are sent again on rerun).
// Side by side, the bound a journal written only after a batch would face: every request in flight (= concurrency).
//
// usage: node scripts/bench/journal-kill.mjs [--kills 7] [--concurrency 64] [--latency-ms 200] [--quick]
import { spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { full, stats, transpileLlm } from "./lib.mjs";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(" ")
    .split("--")
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const KILLS = Number(args.kills ?? full(7, 1));
const CONCURRENCY = Number(args.concurrency ?? 64);
const LATENCY_MS = Number(args["latency-ms"] ?? 200);

const dir = await transpileLlm(REPO);
const { startOpenAIServer } = await import(join(dir, "test/fixtures/openai-server.js"));
const child = join(dir, "journal-kill-child.mjs");
await writeFile(
  child,
  `const [baseUrl, file, concurrency] = process.argv.slice(2);
const { Journal, LlmClient, runJournaled } = await import(${JSON.stringify(join(dir, "src/llm/index.js"))});
const client = new LlmClient({ models: { m: { baseUrl } }, concurrency: Number(concurrency) });
const journal = await Journal.open(file);
// Commit window as the answers see it: from the answer's arrival to its line being on disk.
const arrived = new Map();
const windows = [];
const append = journal.append.bind(journal);
journal.append = async (key, value) => {
  await append(key, value);
  windows.push(performance.now() - arrived.get(key));
  if (windows.length % 50 === 0) {
    const w = windows.slice(-200).sort((a, b) => a - b);
    process.stdout.write(JSON.stringify({ p50: w[w.length >> 1], max: w.at(-1) }) + "\\n");
  }
};
const items = Array.from({ length: 20_000 }, (_, i) => ({ model: "m", messages: [{ role: "user", content: "item " + i }], params: { temperature: 0 } }));
await runJournaled(items, async (req, ctx) => {
  const r = await client.chat(req, { signal: ctx.signal });
  arrived.set(ctx.key, performance.now());
  return r;
}, { journal, concurrency: Number(concurrency) });
`,
);

const repaid = [];
const commitP50 = [];
const commitMax = [];
const rates = [];
for (let k = 0; k < KILLS; k++) {
  const server = await startOpenAIServer({ latencyMs: LATENCY_MS });
  const file = join(dir, `journal-${k}.jsonl`);
  const proc = spawn(process.execPath, [child, server.baseUrl, file, String(CONCURRENCY)], { stdio: ["ignore", "pipe", "inherit"] });
  let lastWindow;
  proc.stdout.setEncoding("utf8").on("data", (d) => {
    const line = d.trim().split("\n").pop();
    if (line) lastWindow = JSON.parse(line);
  });
  // Once answers flow, let it reach a steady state, then kill at a random moment.
  while (server.stats.completed === 0) await new Promise((r) => setTimeout(r, 20));
  const first = server.stats.completed;
  const waitMs = full(1500, 300) + Math.random() * full(1500, 200);
  await new Promise((r) => setTimeout(r, waitMs));
  const before = server.stats.completed - first;
  proc.kill("SIGKILL");
  await new Promise((r) => proc.once("exit", r));
  const completed = server.stats.completed;
  // Lines as a rerun would read them: complete lines only (a torn last line is cut on open).
  const text = await readFile(file, "utf8").catch(() => "");
  const journaled = text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .filter(Boolean).length;
  repaid.push(completed - journaled);
  rates.push(before / (waitMs / 1000));
  if (lastWindow) {
    commitP50.push(lastWindow.p50);
    commitMax.push(lastWindow.max);
  }
  await server.close();
  console.error(`kill ${k + 1}/${KILLS}: server finished ${completed} answers, journal holds ${journaled} → ${completed - journaled} re-paid`);
}
const r = stats(repaid);
const rate = stats(rates);
const w = stats(commitP50);
const wm = stats(commitMax);
console.log(
  `answer arrival → on disk (last 200 answers before the kill): p50 median ${w.median.toFixed(1)} ms (min ${w.min.toFixed(1)}, max ${w.max.toFixed(1)}); worst median ${wm.median.toFixed(1)} ms (max ${wm.max.toFixed(1)}), n=${w.n}`,
);
console.log(
  `re-paid requests per kill at concurrency ${CONCURRENCY}: median ${r.median} (min ${r.min}, max ${r.max}, n=${r.n}); bound without per-answer journaling: ${CONCURRENCY} in flight (ratio ${(r.median / CONCURRENCY).toFixed(3)}); answers/s ${rate.median.toFixed(0)}`,
);
await rm(dir, { recursive: true, force: true });
