// The Ray variant for verl: a Ray head on the first node, one worker per other node, a wait until
// every GPU of the allocation has registered, then the trainer on the head node; Ray is torn down
// by the EXIT trap whatever happens.
import { renderPrologue, srunExtras } from "./prologue.js";
import { shellQuote } from "./quote.js";
import { toolCheckLines } from "./tool-check.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import type { RaySlurmJob } from "./job.js";

export function renderRaySlurmScript(job: RaySlurmJob): string {
  if (job.argv.length === 0) throw new RangeError("job argv is empty");
  const d = SLURM_DEFAULTS.ray;
  const ray = shellQuote(job.ray?.executable ?? d.executable);
  const port = job.ray?.port ?? d.port;
  const timeout = job.ray?.readyTimeoutSeconds ?? d.readyTimeoutSeconds;
  const every = job.ray?.readyCheckSeconds ?? d.readyCheckSeconds;
  const gpus = job.resources.gpusPerNode ?? 0;
  const cpus = job.ray?.cpusPerNode;
  const resources = [`--num-gpus=${gpus}`, ...(cpus ? [`--num-cpus=${cpus}`] : [])];
  // Ray steps share the allocation with each other and with the trainer, hence --overlap.
  const step = (where: string) => ["srun", "--overlap", "--nodes=1", "--ntasks=1", `-w "${where}"`, ...srunExtras(job)].join(" ");

  const cleanup = [
    'if [ "${#ray_steps[@]}" -gt 0 ]; then',
    '  echo "[dianjin-train] stopping Ray"',
    `  timeout ${d.stopTimeoutSeconds} srun --overlap --nodes="$SLURM_NNODES" --ntasks-per-node=1 ${ray} stop --force >/dev/null 2>&1`,
    '  kill "${ray_steps[@]}" 2>/dev/null',
    '  wait "${ray_steps[@]}" 2>/dev/null',
    "fi",
  ];
  return [
    ...renderPrologue(job, { kind: "Ray cluster job (Ray head + workers, trainer on the head)", cleanup }),
    ...toolCheckLines(job),
    "ray_steps=()",
    `export RAY_ADDRESS="$MASTER_ADDR:${port}"`,
    `expected_gpus=$((${gpus} * SLURM_NNODES))`,
    "# GPUs the Ray cluster reports (the `GPU` line of `ray status`), 0 while it is not reachable.",
    "ray_gpus() {",
    `  ${ray} status --address="$RAY_ADDRESS" 2>/dev/null | awk '$2 == "GPU" { split($1, n, "/"); g = int(n[2]) } END { print g + 0 }'`,
    "}",
    "",
    `${step("$head_node")} ${ray} start --head --node-ip-address="$MASTER_ADDR" --port=${port} ${resources.join(" ")} --block &`,
    "ray_steps+=($!)",
    `deadline=$((SECONDS + ${timeout}))`,
    `until ${ray} status --address="$RAY_ADDRESS" >/dev/null 2>&1; do`,
    '  if [ "$SECONDS" -ge "$deadline" ]; then echo "[dianjin-train] the Ray head did not come up within ' + timeout + ' s"; exit 1; fi',
    `  sleep ${every}`,
    "done",
    'for node in $(scontrol show hostnames "$SLURM_JOB_NODELIST" | tail -n +2); do',
    `  ${step("$node")} ${ray} start --address="$RAY_ADDRESS" ${resources.join(" ")} --block &`,
    "  ray_steps+=($!)",
    "done",
    'until [ "$(ray_gpus)" -ge "$expected_gpus" ]; do',
    '  if [ "$SECONDS" -ge "$deadline" ]; then',
    `    echo "[dianjin-train] Ray cluster not ready after ${timeout} s: $(ray_gpus) of $expected_gpus GPUs registered"`,
    "    exit 1",
    "  fi",
    `  sleep ${every}`,
    "done",
    'echo "[dianjin-train] Ray cluster ready at $RAY_ADDRESS with $expected_gpus GPUs"',
    "",
    "# The trainer is the Ray driver; the batch script already runs on the head node.",
    job.argv.map(shellQuote).join(" "),
    "status=$?",
    'echo "[dianjin-train] command ended with status $status"',
    'exit "$status"',
    "",
  ].join("\n");
}
