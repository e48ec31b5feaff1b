// How long `dianjin-train submit` keeps the terminal, on a real Slurm cluster: a two-stage chain (SFT, then GRPO
// through the Ray-on-Slurm script) submitted into a fresh workdir, against its peers measured in the same rounds,
// interleaved: `plan` of the same file (the pre-flight submit also does) and two bare `sbatch --parsable --hold` of a
// one-line script (what a hand-written chain costs). The submitted chain is cancelled after each round (not timed).
// Target (issue 25): submit returns within seconds; ratio submit / (plan + 2 × sbatch) near 1 means the chain logic
// itself costs little.
// Needs a running cluster: SLURM_CONF pointing at it (scripts/slurm/start-local-slurm.sh), and `npm run build`.
// Without one it says so and exits 0. Usage: node scripts/bench/submit-latency.mjs   RUNS=n rounds (default 7).
//
// Measured on the shared 2-core machine, local two-node cluster, RUNS=7, load 1.3–1.4 (median (min–max)):
//   submit 457 ms (427–524); plan 386 ms (357–484); 2 × sbatch --hold 14 ms (12–21);
//   submit / (plan + 2 × sbatch) per round 1.14× (0.90–1.38): the chain (write-ahead record, two sbatch, release)
//   adds about 70 ms to the pre-flight a `plan` does.
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { full, stats, show } from "./lib.mjs";

const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CLI = join(REPO, "dist/bin/dianjin-train.mjs");
const STANDINS = join(REPO, "test/fixtures/bin");
const RUNS = full(Number(process.env.RUNS ?? 7), 1);

function sh(cmd, args, env = process.env) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", env });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, ...r };
}

const probe = sh("sinfo", ["-h", "-o", "%D"]);
if (probe.status !== 0) {
  console.log(`skipped: no Slurm cluster answers (${(probe.stderr || probe.error?.message || "").trim() || "sinfo failed"}); set SLURM_CONF`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "dianjin-bench-submit-"));
const env = { ...process.env, PATH: `${STANDINS}:${process.env.PATH}`, NO_COLOR: "1", RAY_STANDIN_STATE: join(dir, "ray") };
mkdirSync(join(dir, "data"));
const records = Array.from({ length: 16 }, (_, i) => ({ instruction: `2+${i}=?`, input: "", output: `<answer>\\boxed{${2 + i}}</answer>` }));
writeFileSync(join(dir, "data/train.json"), JSON.stringify(records));
// CFLUE's own row shape (choices as a Python-dict string), as test/helpers/recipe-data.ts writes it.
const mcq = Array.from({ length: 32 }, (_, i) => ({
  名称: "证券从业资格",
  task: "单项选择题",
  question: `虚构题目 ${i}：下列哪一项正确？`,
  choices: `{${["A", "B", "C", "D"].map((o, j) => `'${o}': '选项${o}${i}${j}'`).join(", ")}}`,
  answer: "ABCD"[i % 4],
  analysis: "示例解析。",
}));
writeFileSync(join(dir, "data/cflue_mcq.json"), JSON.stringify(mcq));
const peerScript = join(dir, "peer.sbatch");
writeFileSync(peerScript, "#!/bin/bash\n#SBATCH --time=00:01:00\ntrue\n");

function experimentFile(round) {
  const file = join(dir, `exp-${round}.yaml`);
  writeFileSync(
    file,
    `name: bench-submit-${round}
workdir: runs-${round}
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
cluster: { launcher: slurm, nodes: 1, gpus_per_node: 1, slurm: { time: "00:05:00" } }
tools:
  verl: { command: [${JSON.stringify(join(STANDINS, "verl-standin"))}], version: "0.7.0" }
stages:
  sft:
    datasets: [fin]
    dataset_files: { fin: { path: data/train.json } }
    args: { per_device_train_batch_size: 1, num_train_epochs: 1, save_steps: 5 }
  grpo:
    rl_data: { cflue_mcq: data/cflue_mcq.json, seed: 7, val_fraction: 0.1 }
    data: { train_batch_size: 8, max_prompt_length: 1024 }
    actor: { ppo_mini_batch_size: 4, ppo_micro_batch_size_per_gpu: 1 }
    rollout: { n: 2, tensor_model_parallel_size: 1 }
    trainer: { total_epochs: 1, save_freq: 2, test_freq: -1 }
`,
  );
  return file;
}

const times = { submit: [], plan: [], sbatch2: [] };
const loads = [];
try {
  for (let round = 0; round < RUNS; round++) {
    loads.push(loadavg()[0]);
    const file = experimentFile(round);
    const plan = sh(process.execPath, [CLI, "plan", file], env);
    if (plan.status !== 0) throw new Error(`plan failed (${plan.status}): ${plan.stdout}${plan.stderr}`);
    times.plan.push(plan.ms);
    const ids = [];
    let peer = 0;
    for (let i = 0; i < 2; i++) {
      const r = sh("sbatch", ["--parsable", "--hold", peerScript]);
      if (r.status !== 0) throw new Error(`sbatch failed: ${r.stderr}`);
      peer += r.ms;
      ids.push(r.stdout.trim().split(";")[0]);
    }
    times.sbatch2.push(peer);
    sh("scancel", ids);
    const submit = sh(process.execPath, [CLI, "submit", file], env);
    if (submit.status !== 0) throw new Error(`submit failed (${submit.status}): ${submit.stderr}`);
    times.submit.push(submit.ms);
    sh(process.execPath, [CLI, "cancel", file], env);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const s = { submit: stats(times.submit), plan: stats(times.plan), sbatch2: stats(times.sbatch2) };
console.log(`rounds ${RUNS}, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
show("submit (SFT + GRPO chain)", s.submit, "ms", 0);
show("plan of the same file", s.plan, "ms", 0);
show("2 × sbatch --hold", s.sbatch2, "ms", 0);
const perRound = times.submit.map((t, i) => t / (times.plan[i] + times.sbatch2[i]));
show("submit / (plan + 2 × sbatch), per round", stats(perRound), "×", 2);
show("submit / plan, per round", stats(times.submit.map((t, i) => t / times.plan[i])), "×", 2);
