// What reusing a stored stage costs a variant (issue 22: "a stage is built once per key"): `run --variant lr2 --only
// sft` in a fresh variant folder, whose SFT key the store already holds (plan `reuse`, link the entry, record it),
// against its peer measured in the same rounds, interleaved: `run --variant lr1 --only sft` of the variant that built
// it, which is up to date (plan `skip`). Both are fresh node processes; the stand-in trainer never starts in either.
// The entry holds a large file beside the stand-in's model (MB env, default 512 MiB, real blocks) to show that reuse
// does not copy the output.
// Target: reuse within a small factor of a skip, and independent of the output's size.
// Usage: node scripts/bench/store-reuse.mjs   RUNS=n rounds (default 9), MB=n size of the extra file; after `npm run build`.
//
// Measured on the shared 2-core machine (a CI run beside it), RUNS=9, MB=512, load 2.9–3.1 (median (min–max)):
//   reuse 622 ms (398–707); skip 609 ms (516–794); reuse / skip per round 1.00× (0.62–1.30); cp -r of the 512 MiB
//   output 285 ms (203–387, from the page cache; a 15 GB model on a shared file system is minutes): reusing costs what an
//   up-to-date run costs, whatever the output's size.
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { full, stats, show } from "./lib.mjs";

const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CLI = join(REPO, "dist/bin/dianjin-train.mjs");
const STANDINS = join(REPO, "test/fixtures/bin");
const RUNS = full(Number(process.env.RUNS ?? 9), 1);
const MB = full(Number(process.env.MB ?? 512), 1);

const dir = mkdtempSync(join(tmpdir(), "dianjin-bench-store-"));
const env = { ...process.env, PATH: `${STANDINS}:${process.env.PATH}`, NO_COLOR: "1", LF_STANDIN_STEP_MS: "1" };
mkdirSync(join(dir, "data"));
const records = Array.from({ length: 8 }, (_, i) => ({ instruction: `2+${i}=?`, input: "", output: `<answer>\\boxed{${2 + i}}</answer>` }));
writeFileSync(join(dir, "data/train.json"), JSON.stringify(records));
const file = join(dir, "family.yaml");
writeFileSync(
  file,
  `name: bench-store
workdir: runs
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
cluster: { gpus_per_node: 1 }
tools: { llamafactory: { version: "0.9.3" } }
variants:
  lr1: { stages.sft.args.logging_steps: 1 }
  lr2: { stages.sft.args.logging_steps: 1 }
stages:
  sft:
    datasets: [fin]
    dataset_files: { fin: { path: data/train.json } }
    args: { per_device_train_batch_size: 1, num_train_epochs: 1, save_steps: 100 }
`,
);

function cli(args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`dianjin-train ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, out: r.stdout + r.stderr };
}

const times = { reuse: [], skip: [], copy: [] };
const loads = [];
let key;
try {
  cli(["run", file, "--variant", "lr1", "--only", "sft", "--log-format", "plain"]);
  [key] = readdirSync(join(dir, "runs/store/sft")).filter((n) => !n.startsWith("."));
  const big = openSync(join(dir, "runs/store/sft", key, "output/weights-extra.bin"), "w");
  const block = Buffer.alloc(1 << 20, 7);
  for (let i = 0; i < MB; i++) writeSync(big, block);
  closeSync(big);
  for (let round = 0; round < RUNS; round++) {
    loads.push(loadavg()[0]);
    rmSync(join(dir, "runs/variants/lr2"), { recursive: true, force: true });
    const reuse = cli(["run", file, "--variant", "lr2", "--only", "sft", "--log-format", "plain"]);
    if (!/reus/.test(reuse.out)) throw new Error(`lr2's SFT was not reused:\n${reuse.out}`);
    times.reuse.push(reuse.ms);
    times.skip.push(cli(["run", file, "--variant", "lr1", "--only", "sft", "--log-format", "plain"]).ms);
    // What a copy of the output would cost instead (the bound reuse avoids).
    const started = process.hrtime.bigint();
    const copied = spawnSync("cp", ["-r", join(dir, "runs/store/sft", key, "output"), join(dir, "copy")]);
    if (copied.status !== 0) throw new Error(`cp failed: ${copied.stderr}`);
    times.copy.push(Number(process.hrtime.bigint() - started) / 1e6);
    rmSync(join(dir, "copy"), { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`rounds ${RUNS}, entry holds ${MB} MiB more, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
show("run of a variant whose SFT the store holds (reuse)", stats(times.reuse), "ms", 0);
show("run of the variant that built it (skip)", stats(times.skip), "ms", 0);
show("cp -r of the entry's output (what a copy would cost)", stats(times.copy), "ms", 0);
show("reuse / skip, per round", stats(times.reuse.map((t, i) => t / times.skip[i])), "×", 2);
