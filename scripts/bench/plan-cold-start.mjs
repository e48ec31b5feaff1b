// `dianjin-train plan configs/dianjin-r1-7b.yaml` and an up-to-date `dianjin-train run configs/quickstart.yaml`
// (every stage skipped) cold start: a fresh node process each run, wall time, as a ratio to bare `node -e 0`
// measured in the same round (interleaved, so load on a shared machine hits both alike).
// Targets: plan ≤ 3× `node -e 0` (issue 23; 4.5× in issue 15); up-to-date run ≤ 4× (issue 23); plan median ≤ 300 ms
// on an idle 2-core machine (issue 2).
// The up-to-date run: the quickstart config and data copied into a temp git repository (a run asks git for the
// manifest), run once per root with the stand-in llamafactory-cli (test/fixtures/bin) on PATH, then timed.
// Usage: node scripts/bench/plan-cold-start.mjs [ROOT...]   ROOT: a built checkout (default: this one); several roots
// (e.g. a build of the previous commit) are measured round by round side by side. RUNS=n rounds (default 20).
// ENTRY=bin: only the shipped bin (not tsc's unbundled output), half the processes on a shared machine.
// The recipe reads its data from $DIANJIN_DATA and $DIANJIN_BENCH: unless both are set, small files like the tests'
// (test/helpers/recipe-data.ts) are written to a temp folder, so plan's whole pre-flight passes (exit 0).
//
// Measured on the shared 2-core machine (2 warm-up rounds; load average noted; per-round ratio, median (min–max)):
//   before (f5ef8a1) alone, RUNS=20, load 0.5–1.4: wall 4.94× (3.95–6.40), CPU 5.53× (4.61–7.34); plan 814 ms
//   side by side, RUNS=15, load 8.7–9.3, CPU:  before 5.45× (4.76–8.34)  after 5.49× (3.94–8.22)  bundled 3.15× (2.63–4.59)
//   side by side, RUNS=15, load 2.0–3.8, wall: before 5.49× (3.93–7.57)  after 5.26× (4.06–7.43)  bundled 3.43× (2.24–7.34)
//   (after = 9 fewer files, within noise; bundled = rolldown over dist/, an experiment: see the README, Development)
//   up-to-date run (issue 23), ENTRY=bin, side by side, before = 07d471b, after = w-ux (no launcher, execa, fs-extra or
//   listr2 for a skip; git through node:child_process), ratio of medians (per round: median (min–max)):
//     RUNS=15, load 7.2–7.8:  before wall 4.99× (5.16×, 2.25–8.14), CPU 5.31×;  after wall 3.60× (3.41×, 1.29–4.99), CPU 3.33×
//     RUNS=20, load 9.5–16:   before wall 5.86× (4.73×, 2.37–16.8), CPU 5.39×;  after wall 2.93× (3.57×, 1.21–15.3), CPU 3.38×
//     plan in the same rounds: wall 3.09× → 2.89×, CPU 3.28× → 3.23× (unchanged code path: noise)
//     files an up-to-date run loads: 244 (execa 106, fs-extra 28 + graceful-fs/jsonfile, pino 12, …) → 56 (pino's 29, ours 27)
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
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
const tempDirs = [];
process.on("exit", () => {
  if (data) rmSync(data.dir, { recursive: true, force: true });
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

// The stand-in SFT tool, so the quickstart's first run completes and the timed ones find every stage up to date.
const runEnv = {
  ...env,
  PATH: `${fileURLToPath(new URL("../../test/fixtures/bin", import.meta.url))}${delimiter}${process.env.PATH}`,
  LF_STANDIN_STEP_MS: "1",
  DIANJIN_POLL_MS: "50",
};

const runArgs = ["run", "configs/quickstart.yaml", "--log-format", "plain"];

/** A temp git repository holding the quickstart, run once by ROOT's ENTRY: what the timed `run`s find up to date. */
function upToDateQuickstart(root, entry) {
  const dir = mkdtempSync(join(tmpdir(), "bench-run-"));
  tempDirs.push(dir);
  mkdirSync(join(dir, "configs/data"), { recursive: true });
  copyFileSync(join(root, "configs/quickstart.yaml"), join(dir, "configs/quickstart.yaml"));
  copyFileSync(join(root, "configs/data/quickstart_sft.json"), join(dir, "configs/data/quickstart_sft.json"));
  const git = (...args) => spawnSync("git", ["-C", dir, "-c", "user.email=bench@localhost", "-c", "user.name=bench", ...args], { stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "quickstart");
  const first = spawnSync(process.execPath, [resolve(root, entry), ...runArgs], { cwd: dir, env: runEnv, encoding: "utf8" });
  if (first.status !== 0) throw new Error(`the first quickstart run with ${root} exited with ${first.status}:\n${first.stderr}`);
  return dir;
}

const roots = process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : [fileURLToPath(new URL("../../", import.meta.url))];
const runs = Number(process.env.RUNS ?? full(20, 1));
const warmUp = full(2, 1);
// The shipped bin (bundled by scripts/bundle.mjs) and tsc's unbundled output, side by side, for each root.
const ENTRIES = [
  ["bin (bundled)", "dist/bin/dianjin-train.mjs"],
  ["unbundled dist/cli/main.js", "dist/cli/main.js"],
];
// ENTRY=bin (or ENTRY=unbundled) measures only that entry: half the processes on a shared machine.
const wanted = ([label]) => !process.env.ENTRY || label.startsWith(process.env.ENTRY);
const targets = roots.flatMap((root) => ENTRIES.filter((e) => wanted(e) && existsSync(resolve(root, e[1]))).map(([label, entry]) => ({ root, label, entry })));
const planArgs = (entry) => [entry, "plan", "configs/dianjin-r1-7b.yaml"];
const helpArgs = (entry) => [entry, "--help"];

// Each child also reports its own CPU time (user + system) on exit through fd 3: on a loaded shared machine wall time
// includes waiting for a core, CPU time does not, so its ratio is the steadier of the two.
const CPU_HOOK = `data:text/javascript,${encodeURIComponent('import { writeSync } from "node:fs"; process.on("exit", () => { const u = process.cpuUsage(); writeSync(3, String((u.user + u.system) / 1000)); });')}`;

function once(args, cwd, childEnv = env) {
  const t = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--import", CPU_HOOK, ...args], { cwd, env: childEnv, stdio: ["ignore", "ignore", "ignore", "pipe"] });
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

function loadedFiles(cwd, args, childEnv = env) {
  const child = spawnSync(process.execPath, ["--import", COUNT_HOOK, ...args], {
    cwd,
    env: childEnv,
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

for (const target of targets) target.runDir = upToDateQuickstart(target.root, target.entry);
const runOnce = ({ root, entry, runDir }) => once([resolve(root, entry), ...runArgs], runDir, runEnv);

const baseline = [];
const baselineCpu = [];
const series = () => ({ wall: [], cpu: [], ratio: [], cpuRatio: [] });
const per = targets.map(() => ({ plan: series(), run: series(), help: [] }));
const add = (into, m, zero) => {
  into.wall.push(m.wall);
  into.cpu.push(m.cpu);
  into.ratio.push(m.wall / zero.wall);
  into.cpuRatio.push(m.cpu / zero.cpu);
};
const uptimes = [];
for (let i = 0; i < runs + warmUp; i++) {
  const zero = once(["-e", "0"], roots[0]);
  const round = targets.map((t) => ({ plan: once(planArgs(t.entry), t.root), help: once(helpArgs(t.entry), t.root), run: runOnce(t) }));
  if (i < warmUp) continue; // warm-up rounds fill the page cache
  uptimes.push(loadavg()[0]);
  baseline.push(zero.wall);
  baselineCpu.push(zero.cpu);
  round.forEach((r, k) => {
    add(per[k].plan, r.plan, zero);
    add(per[k].run, r.run, zero);
    per[k].help.push(r.help.wall);
  });
}

/** Wall and CPU times, per-round ratios, and the ratio of medians (the target's measure). */
function showCommand(name, m, target) {
  show(`  ${name}, wall`, stats(m.wall), "ms");
  show(`  ${name}, CPU`, stats(m.cpu), "ms");
  show(`  ${name} / node -e 0 wall, per round`, stats(m.ratio), "×", 2);
  show(`  ${name} / node -e 0 CPU, per round`, stats(m.cpuRatio), "×", 2);
  const wall = stats(m.wall).median / stats(baseline).median;
  const cpu = stats(m.cpu).median / stats(baselineCpu).median;
  console.log(`  ${name} median / node -e 0 median: wall ${wall.toFixed(2)}×, CPU ${cpu.toFixed(2)}× (target ≤ ${target}×)`);
}

show("load average (1 min) during the rounds", stats(uptimes), "", 2);
show("node -e 0 (baseline), wall", stats(baseline), "ms");
show("node -e 0 (baseline), CPU", stats(baselineCpu), "ms");
targets.forEach(({ root, label, entry, runDir }, k) => {
  console.log(`\n${root} — ${label}\n  plan loads ${loadedFiles(root, planArgs(entry))}`);
  showCommand("plan configs/dianjin-r1-7b.yaml", per[k].plan, 3);
  show("  --help", stats(per[k].help), "ms");
  console.log(`  up-to-date run loads ${loadedFiles(runDir, [resolve(root, entry), ...runArgs], runEnv)}`);
  showCommand("run configs/quickstart.yaml (up to date)", per[k].run, 4);
});
