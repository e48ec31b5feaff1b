#!/usr/bin/env node
// Data build under stragglers: wall time of the recipe with 20% faulty attempts (half of them hangs mid-stream,
// which only the idle timeout ends) against the same build with no faults, for two builds of the code side by side:
// `before` (another checkout, e.g. main before the step barrier was removed) and `after` (this checkout). Each build
// runs in a fresh process with its own fault-injecting stand-in server (test/fixtures/openai-server.ts) and the
// client's default retry/backoff; runs are interleaved. Every run's outputs (journals excepted) must be byte-identical.
// Scaled down so it runs in minutes: each answer takes `--latency` ms (default 100) and idle_s is `--idle` s (default
// 6, i.e. the default 120 s with answers 20× faster than a real reasoning model's seconds); items and concurrency are
// set by --mcq/--finqa/--concurrency.
//
// usage: npm run build && node scripts/bench/data-stragglers.mjs --before /path/to/main [--runs 3] [--quick]
//        (--quick: 16 items, answers 20 ms, idle_s 0.5, one run — a check that the script runs, not a measurement)
//        (both checkouts built; --before defaults to this checkout, which then compares it with itself)
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { full, runChildren, stats, show, transpileTree } from "./lib.mjs";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]?.startsWith("--") || all[i + 1] === undefined ? "1" : all[i + 1]]] : acc),
      [],
    ),
);
const SETTINGS = {
  mcq: Number(args.mcq ?? full(160, 12)),
  finqa: Number(args.finqa ?? full(40, 4)),
  concurrency: Number(args.concurrency ?? full(16, 4)),
  latency: Number(args.latency ?? full(100, 20)),
  idle: Number(args.idle ?? full(6, 0.5)),
};
// 20% of attempts fail, half of them by hanging mid-stream (as in test/integration/llm-faults.test.ts).
const FAULTS = { hang: 0.1, error500: 0.04, rateLimit429: 0.03, malformed: 0.015, destroy: 0.015 };

async function child() {
  const impl = resolve(args.impl);
  // The recipe tests' sources and scripted model (every question carries its gold), transpiled by the parent.
  const fixtures = await import(pathToFileURL(join(args.server, "test/stages/data/recipe/fixtures.js")).href);
  const { startOpenAIServer } = await import(pathToFileURL(join(args.server, "test/fixtures/openai-server.js")).href);
  const server = await startOpenAIServer({
    answer: fixtures.scriptedModel(),
    latencyMs: SETTINGS.latency,
    ...(args.faults === "1" ? { faults: FAULTS, seed: Number(args.seed) } : {}),
  });
  const dir = await mkdtemp(join(tmpdir(), "dianjin-stragglers-"));
  const hard = (i) => (i % 7 === 3 ? "HARD" : "");
  const paths = await fixtures.writeSources(dir, {
    cflue_mcq: fixtures.mcqRecords(Array.from({ length: SETTINGS.mcq }, (_, i) => ({ gold: "ABCD"[i % 4], tags: hard(i) }))),
    finqa: fixtures.finqaRecords(SETTINGS.finqa, hard),
  });
  const { dataStageSchema } = await import(pathToFileURL(join(impl, "dist/stages/data/config.js")).href);
  const { buildData } = await import(pathToFileURL(join(impl, "dist/stages/data/recipe/build.js")).href);
  const ep = (model) => ({ model, base_url: server.baseUrl });
  const config = dataStageSchema.parse({
    sources: paths,
    endpoints: { convert: ep("gpt-4o"), distill: ep("deepseek-r1"), judge: ep("gpt-4o"), check: ep("gpt-4o") },
    concurrency: SETTINGS.concurrency,
    convert_fraction: 0.3,
    seed: 7,
    timeouts: { idle_s: SETTINGS.idle },
  });
  const out = join(dir, "out");
  const started = process.hrtime.bigint();
  // A request that failed all its attempts leaves its item unfinished and the build fails; as its message says, the
  // same command again sends only what is missing. Timed as one build, reruns counted.
  let result;
  let reruns = 0;
  for (;;) {
    try {
      result = await buildData({ config, outputDir: out, downloadRoot: dir, heartbeatMs: 3_600_000 });
      break;
    } catch (e) {
      if (e?.failure?.id !== "requests-unfinished" || reruns === 3) throw e;
      reruns++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const hash = createHash("sha256");
  for (const f of (await readdir(out, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && !e.parentPath.includes("journals"))
    .map((e) => join(e.parentPath, e.name))
    .sort())
    hash.update(f.slice(out.length)).update(await readFile(f));
  const { hang } = server.stats.faults;
  await server.close();
  await rm(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({ seconds, outputs: hash.digest("hex"), requests: server.stats.requests, hangs: hang, unfinished: result.counts.unfinished, reruns }),
  );
  process.exit(0);
}

if (args.child) await child();
else {
  const runs = Number(args.runs ?? full(3, 1));
  const before = resolve(args.before ?? REPO);
  const server = await transpileTree(REPO, ["test/stages/data/recipe/fixtures.ts"]);
  const script = fileURLToPath(import.meta.url);
  const passOn = Object.entries(SETTINGS).flatMap(([k, v]) => [`--${k}`, String(v)]);
  console.log(
    `data build with stragglers: ${SETTINGS.mcq} MCQ + ${SETTINGS.finqa} FinQA items, concurrency ${SETTINGS.concurrency}, answers ${SETTINGS.latency} ms, idle_s ${SETTINGS.idle}, faults ${JSON.stringify(FAULTS)}, ${runs} run(s)`,
  );
  console.log(`before = ${before}\nafter  = ${REPO}`);
  const times = { before: { clean: [], faulty: [] }, after: { clean: [], faulty: [] } };
  const digests = new Set();
  for (let r = 0; r < runs; r++) {
    for (const [name, impl] of [
      ["before", before],
      ["after", REPO],
    ]) {
      for (const faulty of [false, true]) {
        const [res] = runChildren(script, ["--impl", impl, "--server", server, "--faults", faulty ? "1" : "0", "--seed", String(100 + r), ...passOn], 1);
        if (res.unfinished) throw new Error(`${name}: ${res.unfinished} items unfinished`);
        digests.add(res.outputs);
        times[name][faulty ? "faulty" : "clean"].push(res.seconds);
        console.log(
          `  run ${r + 1} ${name} ${faulty ? "faulty" : "clean "}: ${res.seconds.toFixed(1)} s, ${res.requests} requests, ${res.hangs} hung${res.reruns ? `, ${res.reruns} rerun(s) after a request failed every attempt` : ""}`,
        );
      }
    }
  }
  await rm(server, { recursive: true, force: true });
  if (digests.size !== 1) throw new Error(`outputs differ between runs: ${[...digests].join(", ")}`);
  console.log("outputs: byte-identical in every run (before/after, clean/faulty)");
  for (const name of ["before", "after"]) {
    show(`${name} clean  wall`, stats(times[name].clean), "s");
    show(`${name} faulty wall`, stats(times[name].faulty), "s");
    const ratios = times[name].faulty.map((t, i) => t / times[name].clean[i]);
    show(`${name} faulty / clean`, stats(ratios), "×", 2);
  }
  show("faulty: before / after", stats(times.before.faulty.map((t, i) => t / times.after.faulty[i])), "×", 2);
}
