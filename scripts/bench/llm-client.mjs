#!/usr/bin/env node
// Throughput of our LLM client against the local stand-in server, compared with a plain load generator (wrk)
// hitting the same server with the same JSON body in the same run. Zero think time, so this measures client
// overhead only. Needs the Debian package `wrk` (apt-get install -y wrk); falls back to autocannon via npx, except in
// quick mode, which installs nothing: without wrk it compares with the bare undici loop only.
//
// usage: node scripts/bench/llm-client.mjs [--runs 3] [--seconds 5] [--concurrency 64] [--json out.json] [--quick]
import { spawn, execFileSync } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { full, QUICK, transpileLlm } from "./lib.mjs";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const args = parseArgs(process.argv.slice(2));
const RUNS = Number(args.runs ?? full(3, 1));
const SECONDS = Number(args.seconds ?? full(5, 0.5));
const CONCURRENCY = Number(args.concurrency ?? 64);
const MESSAGES = [{ role: "user", content: "以下是一道单项选择题：示例问题？A. 甲 B. 乙" }];
const PARAMS = { temperature: 0, max_tokens: 16 };

const work = await compile();
const server = await startServer(work);
try {
  const generator = pickGenerator();
  const ours = [];
  const theirs = [];
  const bare = [];
  for (let run = 1; run <= RUNS; run++) {
    // Interleave the two so drift on a shared machine hits both alike.
    if (generator) theirs.push(await withServerCpu(server, () => generator.run(server.url)));
    ours.push(await withServerCpu(server, () => runClient(work, server.baseUrl)));
    bare.push(await withServerCpu(server, () => runBareUndici(server.url)));
    console.error(
      `run ${run}/${RUNS}: ${generator ? `${generator.name} ${theirs.at(-1).rps.toFixed(0)} req/s (server ${theirs.at(-1).serverCores.toFixed(2)} cores)` : "no load generator"}, client ${ours.at(-1).rps.toFixed(0)} req/s (${ours.at(-1).cpuUs.toFixed(0)} µs CPU/req, server ${ours.at(-1).serverCores.toFixed(2)} cores), bare undici ${bare.at(-1).rps.toFixed(0)} req/s (${bare.at(-1).cpuUs.toFixed(0)} µs CPU/req)`,
    );
  }
  const result = {
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    runs: RUNS,
    ...(generator
      ? {
          generator: generator.name,
          generatorReqPerSec: stats(theirs.map((t) => t.rps)),
          // CPU share the (single-threaded) stand-in server got, in cores: below 1 means the 2-core machine was contended.
          serverCoresWithGenerator: stats(theirs.map((t) => t.serverCores)),
          ratio: stats(ours.map((o, i) => o.rps / theirs[i].rps)),
        }
      : { generator: "none (wrk is not installed; quick mode installs nothing)" }),
    serverCoresWithClient: stats(ours.map((o) => o.serverCores)),
    clientReqPerSec: stats(ours.map((o) => o.rps)),
    clientCpuMicrosPerRequest: stats(ours.map((o) => o.cpuUs)),
    // For reading the ratio: the same loop with bare undici.request (serialise, send, JSON.parse; no retries, limits or
    // result checks) — the cost any Node client pays; wrk, written in C, needs far less CPU on this 2-core machine.
    bareUndiciReqPerSec: stats(bare.map((b) => b.rps)),
    bareUndiciCpuMicrosPerRequest: stats(bare.map((b) => b.cpuUs)),
    ratioToBareUndici: stats(ours.map((o, i) => o.rps / bare[i].rps)),
    target: 0.8,
  };
  console.log(JSON.stringify(result, null, 2));
  if (args.json) await writeFile(args.json, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  server.child.kill("SIGTERM");
  await rm(work, { recursive: true, force: true });
}

function pickGenerator() {
  if (has("wrk")) {
    return {
      name: "wrk",
      async run(url) {
        const lua = join(work, "post.lua");
        const body = JSON.stringify({ temperature: 0, max_tokens: 16, model: "bench", messages: MESSAGES, stream: false });
        await writeFile(lua, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${luaString(body)}\n`);
        const out = await capture("wrk", ["-t1", `-c${CONCURRENCY}`, `-d${SECONDS}s`, "-s", lua, url]);
        const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
        if (!m) throw new Error(`could not read wrk output:\n${out}`);
        if (/Non-2xx/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
        return { rps: Number(m[1]) };
      },
    };
  }
  if (QUICK) {
    console.error("wrk not found (apt-get install -y wrk); quick mode compares with bare undici only");
    return undefined;
  }
  console.error("wrk not found (apt-get install -y wrk); using autocannon through npx");
  return {
    name: "autocannon",
    async run(url) {
      const body = JSON.stringify({ temperature: 0, max_tokens: 16, model: "bench", messages: MESSAGES, stream: false });
      const out = await capture("npx", [
        "--yes",
        "autocannon",
        "-j",
        "-c",
        String(CONCURRENCY),
        "-d",
        String(SECONDS),
        "-m",
        "POST",
        "-H",
        "content-type=application/json",
        "-b",
        body,
        url,
      ]);
      return { rps: JSON.parse(out.slice(out.indexOf("{"))).requests.average };
    },
  };
}

/** Adds to `fn`'s result how many cores the server process used meanwhile (from /proc, Linux only). */
async function withServerCpu(server, fn) {
  const ticks = async () => {
    const fields = (await readFile(`/proc/${server.child.pid}/stat`, "utf8").catch(() => "")).split(") ")[1]?.split(" ") ?? [];
    return Number(fields[11] ?? NaN) + Number(fields[12] ?? NaN); // utime + stime, in 1/100 s
  };
  const c0 = await ticks();
  const t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  return { ...result, serverCores: ((await ticks()) - c0) / 100 / seconds };
}

async function runClient(dir, baseUrl) {
  const { LlmClient } = await import(pathToFileURL(join(dir, "src/llm/index.js")).href);
  const client = new LlmClient({ models: { bench: { baseUrl } }, concurrency: CONCURRENCY, maxAttempts: 1 });
  const request = { model: "bench", messages: MESSAGES, params: PARAMS };
  // Warm the connection pool, then count completions in a fixed window with CONCURRENCY callers.
  await Promise.all(Array.from({ length: CONCURRENCY }, () => client.chat(request)));
  const result = await measure(() => client.chat(request));
  await client.close();
  return result;
}

/** Runs `once` from CONCURRENCY callers for SECONDS; requests/s and this process's CPU µs per request. */
async function measure(once) {
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await once();
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rps: done / elapsed, cpuUs: (cpu.user + cpu.system) / done };
}

async function runBareUndici(url) {
  const { Agent, request } = await import("undici");
  const agent = new Agent({ connections: CONCURRENCY, headersTimeout: 0, bodyTimeout: 0 });
  const once = async () => {
    // Serialise per request, as any real client must.
    const body = JSON.stringify({ ...PARAMS, model: "bench", messages: MESSAGES, stream: false });
    const res = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body, dispatcher: agent });
    JSON.parse(await res.body.text());
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, once));
  const result = await measure(once);
  await agent.close();
  return result;
}

async function startServer(dir) {
  const main = join(dir, "server-main.mjs");
  await writeFile(
    main,
    `import { startOpenAIServer } from "./test/fixtures/openai-server.js";\nconst s = await startOpenAIServer();\nconsole.log(s.port);\nprocess.on("SIGTERM", () => s.close().then(() => process.exit(0)));\n`,
  );
  const child = spawn(process.execPath, [main], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once("data", (d) => resolve(Number(String(d).trim())));
    child.once("exit", (code) => reject(new Error(`stand-in server exited with ${code}`)));
  });
  return { child, baseUrl: `http://127.0.0.1:${port}/v1`, url: `http://127.0.0.1:${port}/v1/chat/completions` };
}

/** Transpiles src/errors.ts, src/llm/** and the stand-in server to plain ESM in a temp dir. */
function compile() {
  return transpileLlm(REPO);
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const round = (x) => Math.round(x * 1000) / 1000;
  return {
    median: round(median),
    min: round(sorted[0]),
    max: round(sorted.at(-1)),
    spreadPct: round(((sorted.at(-1) - sorted[0]) / median) * 100),
    values: values.map(round),
  };
}

function has(cmd) {
  try {
    execFileSync("sh", ["-c", 'command -v "$0"', cmd], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function capture(cmd, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}: ${err}`))));
  });
}

function luaString(s) {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) if (argv[i].startsWith("--")) out[argv[i].slice(2)] = argv[++i];
  return out;
}
