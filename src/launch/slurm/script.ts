// The per-node batch script (torchrun style): one task per node runs the stage command with
// NODE_RANK taken from that node's SLURM_NODEID, so LLaMA-Factory's torchrun joins the rendezvous.
import { renderPrologue, srunExtras } from "./prologue.js";
import { shellQuote } from "./quote.js";
import { toolCheckLines } from "./tool-check.js";
import { SLURM_DEFAULTS } from "./defaults.js";
import type { SlurmBatchJob } from "./job.js";

// Expanded on each node by that node's bash, never by the batch shell: that is what makes NODE_RANK per node.
const PER_NODE = `export NODE_RANK="$SLURM_NODEID"; exec "$@"`;

export function renderSlurmScript(job: SlurmBatchJob): string {
  if (job.argv.length === 0) throw new RangeError("job argv is empty");
  const srun = [
    "srun",
    '--nodes="$SLURM_NNODES"',
    "--ntasks-per-node=1",
    "--kill-on-bad-exit=1",
    `--wait=${SLURM_DEFAULTS.srunWaitSeconds}`,
    ...srunExtras(job),
    "bash",
    "-c",
    shellQuote(PER_NODE),
    "dianjin-node",
    ...job.argv.map(shellQuote),
  ];
  return [
    ...renderPrologue(job, { kind: "Per-node job (one task per node)" }),
    ...toolCheckLines(job),
    "",
    srun.join(" "),
    "status=$?",
    'echo "[dianjin-train] command ended with status $status"',
    'exit "$status"',
    "",
  ].join("\n");
}
