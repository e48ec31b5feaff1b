// `dianjin-train plan configs/dianjin-r1-7b.yaml` cold start: a fresh node process each run, wall time, as a ratio to
// bare `node -e 0` measured in the same round (interleaved, so load on a shared machine hits both alike).
// Targets: plan ≤ 4.5× `node -e 0` (issue 15); median ≤ 300 ms on an idle 2-core machine (issue 2).
// Usage: node scripts/bench/plan-cold-start.mjs [ROOT...]   ROOT: a built checkout (default: this one); several roots
// (e.g. a build of the previous commit) are measured round by round side by side. RUNS=n rounds (default 20).
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stats, show } from "./lib.mjs";

const roots = process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : [fileURLToPath(new URL("../../", import.meta.url))];
const runs = Number(process.env.RUNS ?? 20);
const PLAN = ["dist/cli/main.js", "plan", "configs/dianjin-r1-7b.yaml"];
const HELP = ["dist/cli/main.js", "--help"];

function once(args, cwd) {
  const t = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd, stdio: "ignore" });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const baseline = [];
const per = roots.map(() => ({ plan: [], help: [], ratio: [] }));
for (let i = 0; i < runs + 2; i++) {
  const zero = once(["-e", "0"], roots[0]);
  const round = roots.map((root) => ({ plan: once(PLAN, root), help: once(HELP, root) }));
  if (i < 2) continue; // two warm-up rounds fill the page cache
  baseline.push(zero);
  round.forEach((r, k) => {
    per[k].plan.push(r.plan);
    per[k].help.push(r.help);
    per[k].ratio.push(r.plan / zero);
  });
}

show("node -e 0 (baseline)", stats(baseline), "ms");
roots.forEach((root, k) => {
  console.log(`\n${root}`);
  show("  plan configs/dianjin-r1-7b.yaml", stats(per[k].plan), "ms");
  show("  --help", stats(per[k].help), "ms");
  show("  plan / node -e 0, per round", stats(per[k].ratio), "×", 2);
  console.log(`  plan median / node -e 0 median: ${(stats(per[k].plan).median / stats(baseline).median).toFixed(2)}× (target ≤ 4.5×)`);
});
