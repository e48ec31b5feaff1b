// `dianjin-train plan configs/dianjin-r1-7b.yaml` cold start: a fresh node process each run, wall time.
// Target (issue 2): median ≤ 300 ms on the 2-core machine. Also shows bare `node -e 0` for scale.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stats, show } from "./lib.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const runs = Number(process.env.RUNS ?? 20);

function time(args) {
  const out = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, args, { cwd: root, stdio: "ignore" });
    if (i >= 2) out.push(Number(process.hrtime.bigint() - t) / 1e6); // two warm-up runs fill the page cache
  }
  return stats(out);
}

show("node -e 0 (baseline)", time(["-e", "0"]), "ms");
show("dianjin-train plan configs/dianjin-r1-7b.yaml", time(["dist/cli/main.js", "plan", "configs/dianjin-r1-7b.yaml"]), "ms");
// Stated releases: each tool's index plus one release file is read (lazily), instead of the kept snapshots.
show(
  "plan with tools.verl.version=0.3.0.post1, tools.llamafactory.version=0.9.3",
  time(["dist/cli/main.js", "plan", "configs/dianjin-r1-7b.yaml", "--set", "tools.verl.version=0.3.0.post1", "--set", "tools.llamafactory.version=0.9.3"]),
  "ms",
);
show("dianjin-train --help", time(["dist/cli/main.js", "--help"]), "ms");
