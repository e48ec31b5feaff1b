// `dianjin-train plan configs/dianjin-r1-7b.yaml` cold start: a fresh node process each run, wall time, as a ratio to
// bare `node -e 0` measured in the same run (interleaved, so load on a shared machine hits both alike).
// Targets: plan ≤ 4.5× `node -e 0` (issue 15); median ≤ 300 ms on the 2-core machine (issue 2).
// Usage: node scripts/bench/plan-cold-start.mjs [ROOT]   (ROOT: a built checkout to measure; default this one). RUNS=n.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stats, show } from "./lib.mjs";

const root = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL("../../", import.meta.url));
const runs = Number(process.env.RUNS ?? 20);
const COMMANDS = {
  baseline: ["-e", "0"],
  plan: ["dist/cli/main.js", "plan", "configs/dianjin-r1-7b.yaml"],
  help: ["dist/cli/main.js", "--help"],
};

function once(args) {
  const t = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd: root, stdio: "ignore" });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const times = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
const ratios = [];
for (let i = 0; i < runs + 2; i++) {
  const round = Object.fromEntries(Object.entries(COMMANDS).map(([k, args]) => [k, once(args)]));
  if (i < 2) continue; // two warm-up rounds fill the page cache
  for (const k of Object.keys(COMMANDS)) times[k].push(round[k]);
  ratios.push(round.plan / round.baseline);
}

console.log(`root ${root}`);
show("node -e 0 (baseline)", stats(times.baseline), "ms");
show("dianjin-train plan configs/dianjin-r1-7b.yaml", stats(times.plan), "ms");
show("dianjin-train --help", stats(times.help), "ms");
show("plan / node -e 0, per round", stats(ratios), "×", 2);
const ofMedians = stats(times.plan).median / stats(times.baseline).median;
console.log(`plan median / node -e 0 median: ${ofMedians.toFixed(2)}× (target ≤ 4.5×)`);
