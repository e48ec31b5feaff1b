// `dianjin-train plan configs/dianjin-r1-7b.yaml` cold start: a fresh node process each run, wall time, as a ratio to
// bare `node -e 0` measured in the same round (interleaved, so load on a shared machine hits both alike).
// Targets: plan ≤ 4.5× `node -e 0` (issue 15); median ≤ 300 ms on an idle 2-core machine (issue 2).
// Usage: node scripts/bench/plan-cold-start.mjs [ROOT...]   ROOT: a built checkout (default: this one); several roots
// (e.g. a build of the previous commit) are measured round by round side by side. RUNS=n rounds (default 20).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stats, show } from "./lib.mjs";

const roots = process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : [fileURLToPath(new URL("../../", import.meta.url))];
const runs = Number(process.env.RUNS ?? 20);
const PLAN = ["dist/cli/main.js", "plan", "configs/dianjin-r1-7b.yaml"];
const HELP = ["dist/cli/main.js", "--help"];

// Each child also reports its own CPU time (user + system) on exit through fd 3: on a loaded shared machine wall time
// includes waiting for a core, CPU time does not, so its ratio is the steadier of the two.
const CPU_HOOK = `data:text/javascript,${encodeURIComponent('import { writeSync } from "node:fs"; process.on("exit", () => { const u = process.cpuUsage(); writeSync(3, String((u.user + u.system) / 1000)); });')}`;

function once(args, cwd) {
  const t = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--import", CPU_HOOK, ...args], { cwd, stdio: ["ignore", "ignore", "ignore", "pipe"] });
  if (child.status !== 0) throw new Error(`${args.join(" ")} exited with ${child.status}`);
  return { wall: Number(process.hrtime.bigint() - t) / 1e6, cpu: Number(child.output[3].toString()) };
}

const baseline = [];
const baselineCpu = [];
const per = roots.map(() => ({ plan: [], help: [], ratio: [], cpu: [], cpuRatio: [] }));
for (let i = 0; i < runs + 2; i++) {
  const zero = once(["-e", "0"], roots[0]);
  const round = roots.map((root) => ({ plan: once(PLAN, root), help: once(HELP, root) }));
  if (i < 2) continue; // two warm-up rounds fill the page cache
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
roots.forEach((root, k) => {
  console.log(`\n${root}`);
  show("  plan configs/dianjin-r1-7b.yaml, wall", stats(per[k].plan), "ms");
  show("  --help", stats(per[k].help), "ms");
  show("  plan CPU", stats(per[k].cpu), "ms");
  show("  plan / node -e 0 wall, per round", stats(per[k].ratio), "×", 2);
  show("  plan / node -e 0 CPU, per round", stats(per[k].cpuRatio), "×", 2);
  console.log(`  plan median / node -e 0 median: wall ${(stats(per[k].plan).median / stats(baseline).median).toFixed(2)}×, CPU ${(stats(per[k].cpu).median / stats(baselineCpu).median).toFixed(2)}× (target ≤ 4.5×)`);
});
