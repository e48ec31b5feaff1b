// The Ray variant for verl: a Ray head on the first node, one worker per other node, a wait until every GPU of the
// allocation has registered, then the trainer on the head node. The Ray cluster is this job's own (its ports, its temp
// dir, the allocation's CPUs, memory and GPUs), and the EXIT trap ends it, and nothing else, whatever happens.
import { commandLines, renderPrologue, srunExtras } from "./prologue.js";
import { shellQuote } from "./quote.js";
import { toolCheckLines } from "./tool-check.js";
import { nodeCheckLines } from "./node-check.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import type { RaySlurmJob } from "./job.js";

const d = SLURM_DEFAULTS.ray;

/** Ports, temp dir, CPUs and memory of this job's Ray, computed on the node from the job id and the allocation. */
function rayVariables(job: RaySlurmJob, gpus: number): string[] {
  const cpus = job.ray?.cpusPerNode;
  return [
    "# This job's own Ray ports: a block chosen by the job id (defaults.ts says why the range), one port per role.",
    `ray_port=$((${d.portRangeStart} + SLURM_JOB_ID % ${d.portBlocks} * ${d.portBlock}))`,
    "# Every node: node and object manager, the dashboard agent (52365 by default on every node) and the workers.",
    "ray_node_ports=(",
    '  --node-manager-port="$((ray_port + 4))" --object-manager-port="$((ray_port + 5))"',
    '  --dashboard-agent-listen-port="$((ray_port + 3))"',
    `  --min-worker-port="$((ray_port + ${d.workerPortOffset}))" --max-worker-port="$((ray_port + ${d.portBlock - 1}))"`,
    ")",
    "# This job's own temp dir (Ray's sockets and logs; the workers take the head's), short enough for socket paths.",
    'ray_tmp="${TMPDIR:-/tmp}/ray-$SLURM_JOB_ID"',
    `if [ "\${#ray_tmp}" -gt ${d.tempDirMaxLength} ]; then ray_tmp="/tmp/ray-$SLURM_JOB_ID"; fi`,
    "# The allocation's CPUs and memory per node: Ray would otherwise count the whole host's (volcengine/verl's",
    "# examples/slurm/ray_on_slurm.slurm passes SLURM_CPUS_PER_TASK too).",
    cpus ? `ray_cpus=${cpus}` : 'ray_cpus="${SLURM_CPUS_PER_TASK:-${SLURM_CPUS_ON_NODE:-}}"',
    `ray_resources=(--num-gpus=${gpus})`,
    'if [ -n "$ray_cpus" ]; then ray_resources+=("--num-cpus=$ray_cpus"); fi',
    "# Slurm gives memory in MB (--mem per node, or --mem-per-cpu); ray start --memory takes bytes.",
    'if [ -n "${SLURM_MEM_PER_NODE:-}" ]; then ray_resources+=("--memory=$((SLURM_MEM_PER_NODE * 1024 * 1024))")',
    'elif [ -n "${SLURM_MEM_PER_CPU:-}" ] && [ -n "$ray_cpus" ]; then ray_resources+=("--memory=$((SLURM_MEM_PER_CPU * ray_cpus * 1024 * 1024))"); fi',
  ];
}

/**
 * The cleanup ends this job's own Ray steps only. `ray stop --force` on every node would end every Ray process there,
 * the user's other clusters too. srun passes SIGTERM on to `ray start --block`; Slurm ends what is left with the step
 * and, at the latest, with the job.
 */
function rayCleanup(): string[] {
  return [
    'if [ "${#ray_steps[@]}" -gt 0 ]; then',
    `  echo "[dianjin-train] stopping this job's Ray (its own srun steps; other Ray clusters on these nodes go on)"`,
    '  kill -TERM "${ray_steps[@]}" 2>/dev/null',
    `  ray_deadline=$((SECONDS + ${d.stopTimeoutSeconds}))`,
    '  while [ -n "$(jobs -rp)" ] && [ "$SECONDS" -lt "$ray_deadline" ]; do sleep 1; done',
    '  kill -KILL "${ray_steps[@]}" 2>/dev/null',
    '  wait "${ray_steps[@]}" 2>/dev/null',
    "fi",
  ];
}

export function renderRaySlurmScript(job: RaySlurmJob): string {
  if (job.argv.length === 0) throw new RangeError("job argv is empty");
  const ray = shellQuote(job.ray?.executable ?? d.executable);
  const timeout = job.ray?.readyTimeoutSeconds ?? d.readyTimeoutSeconds;
  const every = job.ray?.readyCheckSeconds ?? d.readyCheckSeconds;
  const gpus = job.resources.gpusPerNode ?? 0;
  // Ray steps share the allocation with each other and with the trainer, hence --overlap; each asks for its node's GPUs
  // (a step sees only the GPUs it requests).
  const step = (where: string) =>
    ["srun", "--overlap", "--nodes=1", "--ntasks=1", `-w "${where}"`, ...(gpus ? [`--gpus-per-node=${gpus}`] : []), ...srunExtras(job)].join(" ");
  const head = [
    "--head",
    '--node-ip-address="$MASTER_ADDR"',
    '--port="$ray_port"',
    '--dashboard-port="$((ray_port + 1))"',
    '--ray-client-server-port="$((ray_port + 2))"',
    '--temp-dir="$ray_tmp"',
  ];

  return [
    ...renderPrologue(job, { kind: "Ray cluster job (Ray head + workers, trainer on the head)", cleanup: rayCleanup() }),
    ...toolCheckLines(job),
    ...nodeCheckLines(job),
    "",
    ...rayVariables(job, gpus),
    "ray_steps=()",
    'export RAY_ADDRESS="$MASTER_ADDR:$ray_port"',
    `expected_gpus=$((${gpus} * SLURM_NNODES))`,
    "# GPUs the Ray cluster reports (the `GPU` line of `ray status`), 0 while it is not reachable.",
    "ray_gpus() {",
    `  ${ray} status --address="$RAY_ADDRESS" 2>/dev/null | awk '$2 == "GPU" { split($1, n, "/"); g = int(n[2]) } END { print g + 0 }'`,
    "}",
    "",
    `${step("$head_node")} ${ray} start ${head.join(" ")} "\${ray_resources[@]}" "\${ray_node_ports[@]}" --block &`,
    "ray_steps+=($!)",
    `deadline=$((SECONDS + ${timeout}))`,
    `until ${ray} status --address="$RAY_ADDRESS" >/dev/null 2>&1; do`,
    '  if [ "$SECONDS" -ge "$deadline" ]; then echo "[dianjin-train] the Ray head did not come up within ' + timeout + ' s"; exit 1; fi',
    `  sleep ${every}`,
    "done",
    'for node in $(scontrol show hostnames "$SLURM_JOB_NODELIST" | tail -n +2); do',
    `  ${step("$node")} ${ray} start --address="$RAY_ADDRESS" "\${ray_resources[@]}" "\${ray_node_ports[@]}" --block &`,
    "  ray_steps+=($!)",
    "done",
    'until [ "$(ray_gpus)" -ge "$expected_gpus" ]; do',
    '  if [ "$SECONDS" -ge "$deadline" ]; then',
    `    echo "[dianjin-train] Ray cluster not ready after ${timeout} s: $(ray_gpus) of $expected_gpus GPUs registered"`,
    "    exit 1",
    "  fi",
    `  sleep ${every}`,
    "done",
    'echo "[dianjin-train] Ray cluster ready at $RAY_ADDRESS with $expected_gpus GPUs (temp dir $ray_tmp)"',
    "",
    "# The trainer is the Ray driver; the batch script already runs on the head node.",
    ...commandLines(job.argv.map(shellQuote).join(" ")),
    'echo "[dianjin-train] command ended with status $status"',
    'exit "$status"',
    "",
  ].join("\n");
}
