// `dianjin-train plan configs/dianjin-r1-7b.yaml` cold start: a fresh node process each run, wall time, as a ratio to
// bare `node -e 0` measured in the same round (interleaved, so load on a shared machine hits both alike).
// Targets: plan ≤ 4.5× `node -e 0` (issue 15); median ≤ 300 ms on an idle 2-core machine (issue 2).
// Usage: node scripts/bench/plan-cold-start.mjs [ROOT...]   ROOT: a built checkout (default: this one); several roots
// (e.g. a build of the previous commit) are measured round by round side by side. RUNS=n rounds (default 20).
// The recipe reads its data from $DIANJIN_DATA and $DIANJIN_BENCH: unless both are set, small files like the tests'
// (test/helpers/recipe-data.ts) are written to a temp folder, so plan's whole pre-flight passes (exit 0).
//
// Measured on the shared 2-core machine (2 warm-up rounds; load average noted; per-round ratio, median (min–max)):
//   before (f5ef8a1) alone, RUNS=20, load 0.5–1.4: wall 4.94× (3.95–6.40), CPU 5.53× (4.61–7.34); plan 814 ms
//   side by side, RUNS=15, load 8.7–9.3, CPU:  before 5.45× (4.76–8.34)  after 5.49× (3.94–8.22)  bundled 3.15× (2.63–4.59)
//   side by side, RUNS=15, load 2.0–3.8, wall: before 5.49× (3.93–7.57)  after 5.26× (4.06–7.43)  bundled 3.43× (2.24–7.34)
//   (after = 9 fewer files, within noise; bundled = rolldown over dist/, an experiment: see the README, Development)
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { full, stats, show } from "./lib.mjs";

/** The shipped recipe's inputs: the four SFT files, the RL source and the three financial benchmarks. */
function recipeData() {
  const dir = mkdtempSync(join(tmpdir(), "bench-recipe-data-"));
  const evalFixtures = fileURLToPath(new URL("../../test/fixtures/eval/", import.meta.url));
  mkdirSync(join(dir, "data"));
  mkdirSync(join(dir, "bench"));
  const sft = JSON.stringify(
    Array.from({ length: 4 }, (_, i) => ({ instruction: `问题 ${i}`, input: "", output: `<think>\n推理 ${i}\n</think>\n\n<answer>\\boxed{${i}}</answer>` })),
  );
  for (const name of ["cflue_oe_r1", "cflue_mcq_r1", "fin_qa_r1", "ccc_r1"]) writeFileSync(join(dir, "data", `${name}.json`), sft);
  copyFileSync(join(evalFixtures, "cflue.json"), join(dir, "data/cflue_mcq_rl.json"));
  copyFileSync(join(evalFixtures, "cflue.json"), join(dir, "bench/cflue_test.json"));
  copyFileSync(join(evalFixtures, "finqa.json"), join(dir, "bench/finqa_test.json"));
  copyFileSync(join(evalFixtures, "ccc.jsonl"), join(dir, "bench/ccc_test.jsonl"));
  return { dir, env: { DIANJIN_DATA: join(dir, "data"), DIANJIN_BENCH: join(dir, "bench") } };
}

const data = process.env.DIANJIN_DATA && process.env.DIANJIN_BENCH ? undefined : recipeData();
const env = { ...process.env, ...data?.env };
process.on("exit", () => data && rmSync(data.dir, { recursive: true, force: true }));

const roots = process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : [fileURLToPath(new URL("../../", import.meta.url))];
const runs = Number(process.env.RUNS ?? full(20, 1));
const warmUp = full(2, 1);
// The shipped bin (bundled by scripts/bundle.mjs) and tsc's unbundled output, side by side, for each root.
const ENTRIES = [
  ["bin (bundled)", "dist/bin/dianjin-train.mjs"],
  ["unbundled dist/cli/main.js", "dist/cli/main.js"],
];
const targets = roots.flatMap((root) => ENTRIES.filter(([, entry]) => existsSync(resolve(root, entry))).map(([label, entry]) => ({ root, label, entry })));
const planArgs = (entry) => [entry, "plan", "configs/dianjin-r1-7b.yaml"];
const helpArgs = (entry) => [entry, "--help"];

// Each child also reports its own CPU time (user + system) on exit through fd 3: on a loaded shared machine wall time
// includes waiting for a core, CPU time does not, so its ratio is the steadier of the two.
const CPU_HOOK = `data:text/javascript,${encodeURIComponent('import { writeSync } from "node:fs"; process.on("exit", () => { const u = process.cpuUsage(); writeSync(3, String((u.user + u.system) / 1000)); });')}`;

function once(args, cwd) {
  const t = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--import", CPU_HOOK, ...args], { cwd, env, stdio: ["ignore", "ignore", "ignore", "pipe"] });
  if (child.status !== 0) throw new Error(`${args.join(" ")} exited with ${child.status}`);
  return { wall: Number(process.hrtime.bigint() - t) / 1e6, cpu: Number(child.output[3].toString()) };
}

// What plan loads, counted once per root: ES modules through a module hook (as test/cli/plan-lazy.test.ts does),
// CommonJS files (yaml, commander) from the require cache at exit. Files, not time, but steady on a loaded machine.
const COUNT_HOOK = `data:text/javascript,${encodeURIComponent(`
  import { register, createRequire } from "node:module";
  import { writeSync } from "node:fs";
  register("data:text/javascript," + encodeURIComponent('export async function load(url, ctx, next) { if (url.startsWith("file:")) process.stderr.write(url + "\\\\n"); return next(url, ctx); }'));
  process.on("exit", () => writeSync(3, Object.keys(createRequire(process.cwd() + "/").cache).join("\\n")));`)}`;

function loadedFiles(root, entry) {
  const child = spawnSync(process.execPath, ["--import", COUNT_HOOK, ...planArgs(entry)], {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  const esm = child.stderr
    .split("\n")
    .filter((l) => l.startsWith("file:"))
    .map((u) => fileURLToPath(u));
  const files = new Set([...esm, ...child.output[3].split("\n").filter(Boolean)]);
  const groups = new Map();
  for (const file of files) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? (file.includes("/dist/") ? "dist" : "other");
    const name = pkg === "zod" && file.includes("/locales/") ? "zod locales" : pkg;
    groups.set(name, (groups.get(name) ?? 0) + 1);
  }
  return `${files.size} files: ${[...groups]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(", ")}`;
}

const baseline = [];
const baselineCpu = [];
const per = targets.map(() => ({ plan: [], help: [], ratio: [], cpu: [], cpuRatio: [] }));
for (let i = 0; i < runs + warmUp; i++) {
  const zero = once(["-e", "0"], roots[0]);
  const round = targets.map(({ root, entry }) => ({ plan: once(planArgs(entry), root), help: once(helpArgs(entry), root) }));
  if (i < warmUp) continue; // warm-up rounds fill the page cache
  baseline.push(zero.wall);
  baselineCpu.push(zero.cpu);
  round.forEach((r, k) => {
    per[k].plan.push(r.plan.wall);
    per[k].help.push(r.help.wall);
    per[k].ratio.push(r.plan.wall / zero.wall);
    per[k].cpu.push(r.plan.cpu);
    per[k].cpuRatio.push(r.plan.cpu / zero.cpu);
  });
}

show("node -e 0 (baseline), wall", stats(baseline), "ms");
show("node -e 0 (baseline), CPU", stats(baselineCpu), "ms");
targets.forEach(({ root, label, entry }, k) => {
  console.log(`\n${root} — ${label}\n  plan loads ${loadedFiles(root, entry)}`);
  show("  plan configs/dianjin-r1-7b.yaml, wall", stats(per[k].plan), "ms");
  show("  --help", stats(per[k].help), "ms");
  show("  plan CPU", stats(per[k].cpu), "ms");
  show("  plan / node -e 0 wall, per round", stats(per[k].ratio), "×", 2);
  show("  plan / node -e 0 CPU, per round", stats(per[k].cpuRatio), "×", 2);
  console.log(
    `  plan median / node -e 0 median: wall ${(stats(per[k].plan).median / stats(baseline).median).toFixed(2)}×, CPU ${(stats(per[k].cpu).median / stats(baselineCpu).median).toFixed(2)}× (target ≤ 4.5×)`,
  );
});
