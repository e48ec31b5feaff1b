// Runs every benchmark script in this folder, one after another (each in its own process), after `npm run build`.
// Some need Debian's wrk (llm-client) or sparse-file support (verify-safetensors); see each script's header.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
// --quick: every script in its quick mode (tiny inputs, one run; see lib.mjs), as test/scripts/bench.slow.test.ts does.
const quick = process.argv.includes("--quick");
const only = process.argv.slice(2).filter((a) => a !== "--quick");
for (const file of readdirSync(here).sort()) {
  if (!file.endsWith(".mjs") || file === "run-all.mjs" || file === "lib.mjs") continue;
  if (only.length && !only.some((o) => file.includes(o))) continue;
  console.log(`\n## ${file}`);
  const env = quick ? { ...process.env, BENCH_QUICK: "1" } : process.env;
  const result = spawnSync(process.execPath, ["--expose-gc", `${here}${file}`], { stdio: "inherit", env });
  if (result.status !== 0) console.log(`(${file} exited with ${result.status})`);
}
